"""After a scan: welcome by masked name, what was recorded, the count, what next."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.session_views import Action, Recorded
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import headline, ordinal, state, when
from kiosk.ui.screens.request import COLOURS
from kiosk.ui.widgets import KButton, Panel, Text, column, fitting_row, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    person, recorded = view.person, view.recorded
    body = BoxLayout(orientation="vertical", padding=m.px(24), spacing=m.px(16))
    card = Panel(orientation="vertical", padding=m.px(24), spacing=m.px(12))
    name = person.masked_name if person and person.masked_name else None
    hello = t("Welcome, {name}", name=name) if name else t("Welcome")
    lines: list[Widget] = [Text(hello, m, 48, bold=True, color=theme.RED)]
    if recorded is not None:
        lines += [
            Text(_what(ctx, recorded), m, 32),
            Text(_count(ctx, recorded), m, 28, color=_count_colour(recorded)),
        ]
    for item in view.recent:
        # "Room booking: Discussion hall Dec 1 16:00–17:00", its answer on the line below.
        what = headline(view.lang, item)
        if item.start and item.end:
            what += " " + when(view.lang, item.start, item.end)
        lines.append(
            column(
                m,
                Text(what, m, 24, color=theme.MUTED),
                Text(state(view.lang, item), m, 24, color=COLOURS[item.status]),
                spacing=2,
            )
        )
    card.add_widget(scrolling(column(m, *lines)))
    body.add_widget(card)
    menu = [
        KButton(t("Book a room"), m, ctx.do("open", Action.BOOK), kid="menu.book"),
        KButton(t("Activities"), m, ctx.do("open", Action.ACTIVITIES), kid="menu.activities"),
        KButton(t("Services"), m, ctx.do("open", Action.SERVICES), kid="menu.services"),
        KButton(t("My requests"), m, ctx.do("open", Action.MY_REQUESTS), kid="menu.my_requests"),
    ]
    # Four in a row leave each a fifth of a portrait panel: two rows of two there.
    for row in (menu[:2], menu[2:]) if m.portrait else (menu,):
        body.add_widget(fitting_row(m, *row))
    last = [secondary(t("Done"), m, ctx.do("home"), kid="done")]
    if person is not None and person.member:
        member = secondary(
            t("Party member registration"), m, ctx.do("register_member"), kid="member_register"
        )
        last.insert(0, member)
    body.add_widget(fitting_row(m, *last))  # the member's label wraps on a portrait panel
    return body


def _what(ctx: Ctx, recorded: Recorded) -> str:
    if recorded.purpose == "activity":
        return ctx.t(
            "Your attendance is recorded: {activity}", activity=ctx.name(recorded.activity)
        )
    return ctx.t("Your visit is recorded")


def _count(ctx: Ctx, recorded: Recorded) -> str:
    if recorded.refused_code is not None:
        return ctx.t("The centre could not record it; please ask staff")
    if recorded.visits_this_year is not None:
        nth = ordinal(ctx.view.lang, recorded.visits_this_year)
        return ctx.t("This is your {nth} visit this year", nth=nth)
    return ctx.t("It will be counted as soon as the centre confirms")


def _count_colour(recorded: Recorded) -> tuple[float, float, float, float]:
    if recorded.refused_code is not None:
        return theme.AMBER
    return theme.GREEN if recorded.visits_this_year is not None else theme.MUTED
