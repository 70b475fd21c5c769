"""The status of one's own bookings, sign-ups, services and registrations."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import headline, stamp, state
from kiosk.ui.screens.request import COLOURS
from kiosk.ui.widgets import KButton, Panel, Text, column, screen, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    actions = [
        secondary(t("Back"), m, ctx.do("back"), kid="back"),
        KButton(t("Done"), m, ctx.do("home"), kid="done"),
    ]
    if not view.my_requests:
        return screen(
            m,
            t("My requests"),
            Text(t("You have no requests in the last 30 days."), m, 30),
            actions,
        )
    cards: list[Widget] = []
    for item in view.my_requests:
        card = Panel(orientation="vertical", padding=m.px(14), spacing=m.px(4), size_hint_y=None)
        inner = column(
            m,
            Text(
                headline(view.lang, item),
                m,
                26,
                bold=True,
            ),
            Text(stamp(view.lang, item), m, 22, color=theme.MUTED),
            Text(state(view.lang, item), m, 24, color=COLOURS[item.status]),
            spacing=4,
        )
        card.add_widget(inner)
        inner.bind(height=lambda _w, h, card=card: setattr(card, "height", h + 2 * m.px(14)))
        cards.append(card)
    return screen(m, t("My requests"), scrolling(column(m, *cards)), actions)
