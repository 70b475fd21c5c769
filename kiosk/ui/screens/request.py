"""A request was queued: pending until the hub's reply, then its answer."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import headline, state, when
from kiosk.ui.widgets import KButton, Panel, Text, column, screen, scrolling, secondary

COLOURS = {"pending": theme.AMBER, "ok": theme.GREEN, "rejected": theme.RED, "error": theme.RED}


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    item = view.tracked
    card = Panel(orientation="vertical", padding=m.px(24), spacing=m.px(12))
    lines = []
    if item is not None:
        lines.append(
            Text(
                headline(view.lang, item),
                m,
                34,
                bold=True,
            )
        )
        if item.start and item.end:
            lines.append(Text(when(view.lang, item.start, item.end), m, 30))
        lines.append(Text(state(view.lang, item), m, 36, bold=True, color=COLOURS[item.status]))
        if item.status == "pending":
            hint = (
                t("Sent to the centre.")
                if view.online
                else t(
                    "The centre cannot be reached right now: your request is saved on this "
                    "kiosk and will be sent automatically."
                )
            )
            lines.append(Text(hint, m, 26, color=theme.MUTED))
            lines.append(
                Text(
                    t("You can leave: the answer also appears at your next swipe."),
                    m,
                    26,
                    color=theme.MUTED,
                )
            )
        elif item.message:
            lines.append(Text(item.message, m, 26, color=theme.MUTED))
    card.add_widget(scrolling(column(m, *lines)))
    return screen(
        m,
        t("Your request"),
        card,
        [
            secondary(t("Back"), m, ctx.do("back"), kid="back"),
            KButton(t("Done"), m, ctx.do("home"), kid="done"),
        ],
    )
