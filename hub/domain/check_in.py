"""A scan at a kiosk: the visit itself, and what it means for bookings and activities.

A check-in with purpose ``activity`` records attendance at that activity
(once per person). Any check-in by someone whose booking at this station
starts soon or is under way marks that booking as used, so it is not
released as a no-show: the person need not choose "my booking" on screen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.domain.clock import PEOPLE_TZ
from hub.domain.models import Booking, BookingStatus, Room
from hub.domain.outcome import Code, Outcome, ok
from hub.domain.records import Activity, Attendance, Signup, SignupStatus
from hub.models import CheckIn
from protocol.messages import CheckInRequest
from protocol.replies import JsonScalar

EARLY_CHECK_IN = timedelta(minutes=15)


def record_check_in(session: Session, request: CheckInRequest, now: datetime) -> Outcome:
    body = request.body
    row = CheckIn(
        request_id=request.id,
        station=request.station,
        kiosk=request.kiosk,
        credential_kind=body.credential.kind.value,
        credential=body.credential.value,
        purpose=body.purpose,
        activity_id=body.activity_id,
        read_at=body.read_at,
        received_at=now,
    )
    session.add(row)
    session.flush()
    result: dict[str, JsonScalar] = {
        "check_in_id": row.id,
        "visits_this_year": _visits_this_year(session, row, now),
    }
    if body.purpose == "activity" and body.activity_id is not None:
        result["attendance"] = _attend(session, row, body.activity_id, now)
    booking = _check_in_booking(session, row, now)
    if booking is not None:
        result["booking_id"] = booking
    return ok(Code.CHECKED_IN, result)


def _visits_this_year(session: Session, row: CheckIn, now: datetime) -> int:
    # check_ins.received_at is a plain DateTime (naive UTC on SQLite): bind UTC.
    year_start = datetime(now.astimezone(PEOPLE_TZ).year, 1, 1, tzinfo=PEOPLE_TZ).astimezone(UTC)
    visits = session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .where(
            CheckIn.credential_kind == row.credential_kind,
            CheckIn.credential == row.credential,
            CheckIn.received_at >= year_start,
        )
    )
    return int(visits or 0)


def _attend(session: Session, row: CheckIn, activity_id: str, now: datetime) -> str:
    """Record attendance once; says whether the person had a seat, walked in, or was known."""
    if session.get(Activity, activity_id) is None:
        return "unknown_activity"
    signed_up = (
        session.scalars(
            select(Signup.id).where(
                Signup.activity_id == activity_id,
                Signup.credential_kind == row.credential_kind,
                Signup.credential == row.credential,
                Signup.status == SignupStatus.CONFIRMED.value,
            )
        ).first()
        is not None
    )
    try:
        with session.begin_nested():
            session.add(
                Attendance(
                    activity_id=activity_id,
                    check_in_id=row.id,
                    credential_kind=row.credential_kind,
                    credential=row.credential,
                    signed_up=signed_up,
                    at=now,
                )
            )
    except IntegrityError:
        return "already_recorded"
    return "signed_up" if signed_up else "walk_in"


def _check_in_booking(session: Session, row: CheckIn, now: datetime) -> str | None:
    booking = session.scalars(
        select(Booking)
        .join(Room, Room.id == Booking.room_id)
        .where(
            Booking.credential_kind == row.credential_kind,
            Booking.credential == row.credential,
            Booking.status == BookingStatus.CONFIRMED.value,
            Room.station_id == row.station,
            Booking.starts_at <= now + EARLY_CHECK_IN,
            Booking.ends_at > now,
        )
        .order_by(Booking.starts_at)
        .with_for_update()
    ).first()
    if booking is None:
        return None
    booking.status = BookingStatus.CHECKED_IN.value
    booking.checked_in_at = now
    booking.changed_at = now
    return booking.public_id
