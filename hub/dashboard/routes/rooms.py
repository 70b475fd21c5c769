"""Rooms calendar (day or week) and the staff actions on a booking.

Cancelling and marking a no-show use the domain's ``free_booking``: the
booking's slot rows go, so the slot is bookable again at once, and the
"slots" snapshot is republished to every station's kiosks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.dashboard import audit
from hub.dashboard.context import DashboardContext
from hub.dashboard.i18n import translator
from hub.dashboard.params import RowId, ShownDay, station_filter, within_reach
from hub.dashboard.rooms import calendar, may_cancel, may_mark_no_show
from hub.dashboard.staff_change import staff_change
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import Web, current_staff, now, render, request_lang, staff_for_change
from hub.domain.booking import free_booking
from hub.domain.clock import local_day
from hub.domain.models import Booking, BookingStatus

router = APIRouter()


@router.get("/rooms", response_class=HTMLResponse)
def rooms_page(
    request: Request,
    staff: Annotated[Staff, Depends(current_staff)],
    station: Annotated[str, Depends(station_filter)],
    *,
    day: ShownDay = None,
    view: Literal["day", "week"] = "week",
    done: str = "",
) -> Response:
    context: DashboardContext = request.app.state.context
    moment = now(request)
    today = local_day(moment)
    shown = day or today
    # A rolling week from the chosen day: staff plan forwards, whatever the weekday.
    step = timedelta(days=7 if view == "week" else 1)
    with Web.of(request).sessions() as session:
        cal = calendar(session, shown, 7 if view == "week" else 1, station, moment)
    t = translator(request_lang(request))
    return render(
        request,
        "rooms.html",
        staff,
        cal=cal,
        view=view,
        day=shown,
        previous=shown - step if within_reach(shown - step, today) else None,
        following=shown + step if within_reach(shown + step, today) else None,
        station=station,
        stations=[s.id for s in context.hub.stations],
        today=today,
        message=t("done." + done) if done else "",
    )


@router.post("/bookings/{booking_id}/{action}")
def booking_action(
    request: Request,
    booking_id: RowId,
    action: Literal["cancel", "no-show"],
    staff: Annotated[Staff, Depends(staff_for_change)],
    back: Annotated[str, Form()] = "/rooms",
) -> Response:
    """Cancel a booking, or release it as a no-show; refused when its state no longer allows."""
    context: DashboardContext = request.app.state.context
    moment = now(request)
    with staff_change(context.sessions, context.publisher) as session:
        booking = session.get(Booking, booking_id, with_for_update=True)
        allowed = booking is not None and (
            may_cancel(booking, moment) if action == "cancel" else may_mark_no_show(booking, moment)
        )
        if booking is not None and allowed:
            status = BookingStatus.CANCELLED if action == "cancel" else BookingStatus.RELEASED
            free_booking(session, booking, status, moment)
            audit.record(
                session,
                staff.username,
                "booking_cancel" if action == "cancel" else "booking_no_show",
                booking.public_id,
                moment,
                detail={"room_id": booking.room_id, "starts_at": booking.starts_at.isoformat()},
            )
    done = ("cancelled" if action == "cancel" else "no_show") if allowed else "refused"
    target = back if back.startswith("/") and not back.startswith("//") else "/rooms"
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done={done}", status_code=303)
