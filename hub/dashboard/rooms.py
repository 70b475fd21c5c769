"""Rooms and their bookings over a day or a week, for the calendar page.

What staff may do with a booking is decided here from its state and the
hub's clock, so the page shows only buttons that will work; the action
itself checks again under a row lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.dashboard.identity import masked_names, short_credential
from hub.dashboard.today import day_bounds
from hub.domain.clock import local_day
from hub.domain.models import ACTIVE_BOOKING, Booking, BookingStatus, Room


@dataclass(frozen=True)
class BookingView:
    id: int
    public_id: str
    room_id: str
    day: date
    starts_at: datetime
    ends_at: datetime
    status: str
    who: str
    kiosk: str
    can_cancel: bool
    can_mark_no_show: bool


@dataclass(frozen=True)
class Calendar:
    days: list[date]
    rooms: list[Room]
    cells: dict[tuple[str, date], list[BookingView]]


def may_cancel(booking: Booking, now: datetime) -> bool:
    return booking.status in ACTIVE_BOOKING and booking.ends_at > now


def may_mark_no_show(booking: Booking, now: datetime) -> bool:
    return booking.status == BookingStatus.CONFIRMED.value and booking.starts_at <= now


def calendar(session: Session, first: date, days: int, station: str, now: datetime) -> Calendar:
    """Rooms (of ``station``, or all when empty) and their bookings on ``days`` local days."""
    shown = [first + timedelta(days=offset) for offset in range(days)]
    start, _ = day_bounds(shown[0])
    _, end = day_bounds(shown[-1])
    room_query = select(Room).where(Room.active.is_(True)).order_by(Room.station_id, Room.id)
    if station:
        room_query = room_query.where(Room.station_id == station)
    rooms = list(session.scalars(room_query))
    room_ids = [room.id for room in rooms]
    bookings = list(
        session.scalars(
            select(Booking)
            .where(
                Booking.room_id.in_(room_ids), Booking.starts_at >= start, Booking.starts_at < end
            )
            .order_by(Booking.starts_at, Booking.id)
        )
    )
    names = masked_names(session, [(b.credential_kind, b.credential) for b in bookings])
    cells: dict[tuple[str, date], list[BookingView]] = {}
    for booking in bookings:
        key = (booking.credential_kind, booking.credential)
        view = BookingView(
            id=booking.id,
            public_id=booking.public_id,
            room_id=booking.room_id,
            day=local_day(booking.starts_at),
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            status=booking.status,
            who=names.get(key) or short_credential(*key),
            kiosk=booking.kiosk,
            can_cancel=may_cancel(booking, now),
            can_mark_no_show=may_mark_no_show(booking, now),
        )
        cells.setdefault((booking.room_id, view.day), []).append(view)
    return Calendar(shown, rooms, cells)
