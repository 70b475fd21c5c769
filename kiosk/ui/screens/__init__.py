"""One module per screen; each builds its widget tree from a ``Ctx``."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.widget import Widget

from kiosk.core.session_views import Screen
from kiosk.ui.context import Ctx
from kiosk.ui.screens import (
    activities,
    booking,
    identify,
    idle,
    my_requests,
    purpose,
    request,
    result,
    rooms,
    services,
    staff,
    unknown,
    visitor,
)

SCREENS: dict[Screen, Callable[[Ctx], Widget]] = {
    Screen.IDLE: idle.build,
    Screen.RESULT: result.build,
    Screen.PURPOSE: purpose.build,
    Screen.UNKNOWN: unknown.build,
    Screen.IDENTIFY: identify.build,
    Screen.ROOMS: rooms.build,
    Screen.SLOTS: booking.build_slots,
    Screen.CONFIRM: booking.build_confirm,
    Screen.REQUEST: request.build,
    Screen.ACTIVITIES: activities.build,
    Screen.SERVICES: services.build,
    Screen.SERVICE_NOTE: services.build_note,
    Screen.MY_REQUESTS: my_requests.build,
    Screen.VISITOR: visitor.build,
    Screen.STAFF_PIN: staff.build_pin,
    Screen.STAFF: staff.build,
}
