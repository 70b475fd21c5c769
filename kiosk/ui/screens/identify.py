"""An action needs to know who is asking: swipe to continue."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.core.i18n import N_
from kiosk.core.session_views import Action
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.widgets import Text, column, screen, scrolling, secondary

TITLES = {
    Action.BOOK: N_("Book a room"),
    Action.ACTIVITIES: N_("Activities"),
    Action.SERVICES: N_("Services"),
    Action.MY_REQUESTS: N_("My requests"),
}


def build(ctx: Ctx) -> Widget:
    m, t = ctx.m, ctx.t
    action = ctx.view.pending_action
    title = t(TITLES.get(action, "Book a room")) if action else t("Book a room")
    body = scrolling(
        column(
            m,
            Text(
                t("Please swipe your card or ID card, or scan your QR code, to continue."),
                m,
                36,
                bold=True,
                color=theme.RED,
            ),
            Text(t("We use it only to find your bookings and requests."), m, 26, color=theme.MUTED),
        )
    )
    return screen(m, title, body, [secondary(t("Cancel"), m, ctx.do("home"), kid="cancel")])
