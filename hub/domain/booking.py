"""Booking a room and cancelling: the decisions, inside the inbox's transaction.

The slot check is not a query: the handler inserts the slots it wants in
a SAVEPOINT and lets the primary key of ``booking_slots`` refuse a slot
another booking holds. Under contention the second writer blocks on the
first one's uncommitted row (PostgreSQL) or on the database lock
(SQLite), then fails the constraint and gets ``slot_taken``; the request
itself is still stored with that reply, so its id stays deduplicated.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.domain.availability import as_text, next_free, similar_room
from hub.domain.changes import mark_changed
from hub.domain.clock import local_iso
from hub.domain.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingSlot,
    BookingStatus,
    Room,
    Station,
    parse_booking_public_id,
)
from hub.domain.outcome import Code, Outcome, ok, rejected
from hub.domain.quota import bookings_in_week, lock_person
from hub.domain.room import blackout_for, may_book_from, rules_of
from hub.domain.slot import (
    claimed_slots,
    grid_slots,
    is_covered,
    opening_days_touching,
    opening_intervals,
)
from protocol.messages import BookingCancelRequest, BookingCreateRequest
from protocol.replies import JsonScalar

log = logging.getLogger(__name__)


def create_booking(session: Session, request: BookingCreateRequest, now: datetime) -> Outcome:
    """Book ``room_id`` for [start, end) if every rule allows it; ``now`` is the hub's clock."""
    body = request.body
    room = session.get(Room, body.room_id)
    if room is None or not room.active:
        return rejected(Code.UNKNOWN_ROOM, {"room_id": body.room_id})
    if not may_book_from(session, room, request.station):
        return rejected(Code.NOT_BOOKABLE_HERE, {"room_id": room.id})
    start, end = body.start.astimezone(UTC), body.end.astimezone(UTC)
    refusal = _time_refusal(session, room, start, end, now)
    if refusal is not None:
        return refusal
    kind, credential = body.credential.kind.value, body.credential.value
    lock_person(session, kind, credential)
    station = session.get(Station, room.station_id)
    quota = station.weekly_booking_quota if station is not None else 0
    held = bookings_in_week(session, kind, credential, start)
    if held >= quota:
        return rejected(Code.QUOTA_EXCEEDED, {"quota_per_week": quota, "held": held})
    booking = _claim(session, request, room, start=start, end=end, now=now)
    if booking is None:
        return _slot_taken(session, request, room, start=start, end=end, now=now)
    mark_changed(session, "slots")
    log.info(
        "booked %s %s",
        room.id,
        local_iso(start),
        extra={"event": "booked", "station": request.station, "request_id": request.id},
    )
    return ok(Code.BOOKED, _details(booking, room))


def cancel_booking(session: Session, request: BookingCancelRequest, now: datetime) -> Outcome:
    """Cancel the person's own booking before it ends; its slots become free again."""
    body = request.body
    number = parse_booking_public_id(body.booking_id)
    booking = session.get(Booking, number, with_for_update=True) if number is not None else None
    if booking is None:
        return rejected(Code.UNKNOWN_BOOKING, {"booking_id": body.booking_id})
    if (booking.credential_kind, booking.credential) != (
        body.credential.kind.value,
        body.credential.value,
    ):
        return rejected(Code.NOT_YOURS, {"booking_id": body.booking_id})
    if booking.status not in ACTIVE_BOOKING or booking.ends_at <= now:
        return rejected(
            Code.ALREADY_ENDED, {"booking_id": body.booking_id, "state": booking.status}
        )
    free_booking(session, booking, BookingStatus.CANCELLED, now)
    return ok(Code.CANCELLED, {"booking_id": booking.public_id, "room_id": booking.room_id})


def free_booking(session: Session, booking: Booking, status: BookingStatus, now: datetime) -> None:
    """End an active booking (cancelled or released) and give its slots back."""
    booking.status = status.value
    booking.changed_at = now
    session.execute(delete(BookingSlot).where(BookingSlot.booking_id == booking.id))
    session.flush()
    mark_changed(session, "slots")


def _time_refusal(
    session: Session, room: Room, start: datetime, end: datetime, now: datetime
) -> Outcome | None:
    rules = rules_of(room)
    slots = grid_slots(rules, start, end)
    if slots is None:
        return rejected(Code.NOT_ON_GRID, {"slot_minutes": rules.slot_minutes})
    if start < now:
        return rejected(Code.TOO_LATE, {"start": local_iso(start)})
    if start > now + timedelta(days=room.book_ahead_days):
        return rejected(Code.TOO_FAR_AHEAD, {"book_ahead_days": room.book_ahead_days})
    if len(slots) > rules.max_slots_per_booking:
        return rejected(
            Code.TOO_LONG, {"max_minutes": rules.max_slots_per_booking * rules.slot_minutes}
        )
    first, last = opening_days_touching(start, end)
    if not is_covered(start, end, opening_intervals(rules, first, last)):
        return rejected(
            Code.CLOSED,
            {
                "reason": "hours",
                "opens": _clock(room.open_minute),
                "closes": _clock(room.close_minute),
            },
        )
    blackouts = blackout_for(session, room.id, first, last)
    closed_days = [blackout.day for blackout in blackouts]
    if is_covered(start, end, opening_intervals(rules, first, last, closed_days)):
        return None
    blackout = blackouts[0]
    return rejected(
        Code.CLOSED,
        {
            "reason": "blackout",
            "day": blackout.day.isoformat(),
            "note_zh": blackout.reason_zh,
            "note_en": blackout.reason_en,
        },
    )


def _claim(
    session: Session,
    request: BookingCreateRequest,
    room: Room,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Booking | None:
    """Insert the booking and its slot rows, or None when the database refuses a slot."""
    body = request.body
    try:
        with session.begin_nested():
            booking = Booking(
                request_id=request.id,
                room_id=room.id,
                station=request.station,
                kiosk=request.kiosk,
                credential_kind=body.credential.kind.value,
                credential=body.credential.value,
                starts_at=start,
                ends_at=end,
                status=BookingStatus.CONFIRMED.value,
                note=body.note,
                created_at=now,
                changed_at=now,
            )
            session.add(booking)
            session.flush()
            slots = grid_slots(rules_of(room), start, end) or []
            for slot_start in claimed_slots(rules_of(room), start, end):
                session.add(
                    BookingSlot(
                        room_id=room.id,
                        slot_start=slot_start,
                        booking_id=booking.id,
                        buffer=slot_start not in slots,
                    )
                )
            session.flush()
    except IntegrityError:
        return None
    return booking


def _slot_taken(
    session: Session,
    request: BookingCreateRequest,
    room: Room,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Outcome:
    length = len(grid_slots(rules_of(room), start, end) or [start])
    result: dict[str, JsonScalar] = {
        "room_id": room.id,
        "alternatives": as_text(next_free(session, room, max(start, now), length)),
    }
    other = similar_room(session, room, request.station, start, end)
    if other is not None:
        result["similar_room_id"] = other.id
    log.info(
        "slot taken %s %s",
        room.id,
        local_iso(start),
        extra={"event": "slot_taken", "station": request.station, "request_id": request.id},
    )
    return rejected(Code.SLOT_TAKEN, result)


def _details(booking: Booking, room: Room) -> dict[str, JsonScalar]:
    return {
        "booking_id": booking.public_id,
        "room_id": room.id,
        "room_zh": room.name_zh,
        "room_en": room.name_en,
        "start": local_iso(booking.starts_at),
        "end": local_iso(booking.ends_at),
        "check_in_by": local_iso(booking.starts_at + timedelta(minutes=room.no_show_grace_minutes)),
    }


def _clock(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"
