"""Reading a room's rules from the database: who may book it, when it is open."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hub.domain.models import Blackout, BookingSlot, Room, RoomAccess
from hub.domain.slot import Interval, RoomRules, opening_intervals


def rules_of(room: Room) -> RoomRules:
    return RoomRules(
        open_minute=room.open_minute,
        close_minute=room.close_minute,
        slot_minutes=room.slot_minutes,
        buffer_minutes=room.buffer_minutes,
        max_slots_per_booking=room.max_slots_per_booking,
    )


def may_book_from(session: Session, room: Room, station: str) -> bool:
    """A room's own station may book it; other stations need a ``room_access`` row."""
    if room.station_id == station:
        return True
    return session.get(RoomAccess, (room.id, station)) is not None


def rooms_bookable_from(session: Session, station: str) -> list[Room]:
    """Active rooms a kiosk at ``station`` may book, its own station's first."""
    shared = select(RoomAccess.room_id).where(RoomAccess.station_id == station)
    rooms = session.scalars(
        select(Room)
        .where(Room.active.is_(True), or_(Room.station_id == station, Room.id.in_(shared)))
        .order_by(Room.id)
    ).all()
    return sorted(rooms, key=lambda room: (room.station_id != station, room.id))


def blackout_for(session: Session, room_id: str, first: date, last: date) -> list[Blackout]:
    """Blackouts of this room or of the whole centre between two local days."""
    return list(
        session.scalars(
            select(Blackout)
            .where(
                or_(Blackout.room_id == room_id, Blackout.room_id.is_(None)),
                Blackout.day >= first,
                Blackout.day <= last,
            )
            .order_by(Blackout.day)
        )
    )


def open_intervals(session: Session, room: Room, first: date, last: date) -> list[Interval]:
    closed = [blackout.day for blackout in blackout_for(session, room.id, first, last)]
    return opening_intervals(rules_of(room), first, last, closed)


def taken_slots(session: Session, room_id: str, start: datetime, end: datetime) -> set[datetime]:
    """Slot starts held by active bookings in [start, end)."""
    return set(
        session.scalars(
            select(BookingSlot.slot_start).where(
                BookingSlot.room_id == room_id,
                BookingSlot.slot_start >= start,
                BookingSlot.slot_start < end,
            )
        )
    )
