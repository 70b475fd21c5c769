"""A card the centre does not know: register as a visitor, or ask staff."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.core.session_views import Action
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.widgets import KButton, Text, column, screen, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t = ctx.m, ctx.t
    body = scrolling(
        column(
            m,
            Text(t("This card is not registered with the centre."), m, 34),
            Text(
                t("Register as a visitor in one minute, or please see a member of staff."),
                m,
                28,
                color=theme.MUTED,
            ),
        )
    )
    return screen(
        m,
        t("Card not recognised"),
        body,
        [
            KButton(
                t("Register as a visitor"), m, ctx.do("open", Action.VISITOR), kid="menu.visitor"
            ),
            secondary(t("I will see staff"), m, ctx.do("home"), kid="done"),
        ],
    )
