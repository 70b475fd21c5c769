"""Activities with capacity and places left: sign up, join the wait list, withdraw."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.i18n import N_
from kiosk.core.session_views import ActivityRow
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import when
from kiosk.ui.widgets import KButton, Panel, Text, column, screen, scrolling, secondary

MINE = {
    "pending": N_("Your request is pending"),
    "signed_up": N_("You are signed up"),
    "waitlisted": N_("You are on the wait list"),
    "withdrawn": N_("You withdrew"),
    "refused": N_("Your last request was not accepted"),
}


def build(ctx: Ctx) -> Widget:
    m, t, rows = ctx.m, ctx.t, ctx.view.activities
    back = secondary(t("Back"), m, ctx.do("back"), kid="back")
    if rows is None:
        body = column(
            m,
            Text(t("Activity information has not arrived yet."), m, 32),
            Text(t("Please try again later or ask staff."), m, 26, color=theme.MUTED),
        )
        return screen(m, t("Activities"), body, [back])
    if not rows:
        return screen(m, t("Activities"), Text(t("No upcoming activities."), m, 32), [back])
    return screen(m, t("Activities"), scrolling(column(m, *(_row(ctx, r) for r in rows))), [back])


def _row(ctx: Ctx, row: ActivityRow) -> Widget:
    m, t = ctx.m, ctx.t
    card = Panel(padding=m.px(16), spacing=m.px(16), size_hint_y=None)
    info = column(m, Text(ctx.name(row.title), m, 28, bold=True), spacing=4)
    where = f" · {ctx.name(row.room)}" if row.room else ""
    info.add_widget(Text(when(ctx.view.lang, row.starts_at, row.ends_at) + where, m, 22))
    places = (
        t("{left} of {cap} places left", left=row.places_left, cap=row.capacity)
        if row.places_left
        else t("Full ({cap} places): wait list open", cap=row.capacity)
    )
    info.add_widget(Text(places, m, 22, color=theme.GREEN if row.places_left else theme.AMBER))
    if row.mine != "none":
        info.add_widget(Text(t(MINE[row.mine]), m, 22, color=theme.RED))
    card.add_widget(info)
    buttons = BoxLayout(
        orientation="vertical", spacing=m.px(8), size_hint=(None, None), width=m.px(260)
    )
    if row.mine in ("signed_up", "waitlisted", "pending"):
        buttons.add_widget(
            secondary(
                t("Withdraw"), m, ctx.do("withdraw", row.id), kid=f"withdraw.{row.id}", size=24
            )
        )
    else:
        label = t("Sign up") if row.places_left else t("Join the wait list")
        buttons.add_widget(
            KButton(label, m, ctx.do("sign_up", row.id), kid=f"signup.{row.id}", size=24)
        )
    buttons.height = m.target
    card.add_widget(buttons)

    def fit(*_args: object) -> None:
        card.height = max(info.height, buttons.height) + 2 * m.px(16)

    info.bind(height=fit)
    fit()
    return card
