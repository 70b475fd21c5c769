"""Stations, rooms and bookings: the tables whose constraints keep calendars right.

The one rule that matters most, "a slot of a room is booked at most once",
is the primary key of ``booking_slots``: a booking claims one row per slot
it covers (plus the buffer after it), and the database refuses a second
claim on SQLite and on PostgreSQL alike, however many hub workers race.
Rule parameters (hours, slot length, buffer, grace time, quota) live on the
rows so staff can change them without a deploy; demo data seeds them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.models import Base, UtcDateTime


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    RELEASED = "released"  # a no-show, released after the room's grace time


ACTIVE_BOOKING = (BookingStatus.CONFIRMED.value, BookingStatus.CHECKED_IN.value)


class Station(Base):
    """A 红领驿站 in a tower; ``weekly_booking_quota`` bounds a person's bookings."""

    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    tower_zh: Mapped[str] = mapped_column(String(60))
    tower_en: Mapped[str] = mapped_column(String(60))
    weekly_booking_quota: Mapped[int] = mapped_column(Integer, default=3)

    __table_args__ = (CheckConstraint("weekly_booking_quota >= 0", name="ck_stations_quota"),)


class Room(Base):
    """A bookable place and its rules.

    Opening hours are minutes from local midnight of the opening day:
    ``close_minute`` may pass 1440 for a room open past midnight
    (08:00–01:00 is 480–1500). Slots start at ``open_minute`` and every
    ``slot_minutes`` after it; 1440 is a multiple of the slot length, so
    the grid is the same every day.
    """

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32), ForeignKey("stations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)
    open_minute: Mapped[int] = mapped_column(Integer)
    close_minute: Mapped[int] = mapped_column(Integer)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    max_slots_per_booking: Mapped[int] = mapped_column(Integer, default=4)
    book_ahead_days: Mapped[int] = mapped_column(Integer, default=14)
    no_show_grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("capacity >= 1", name="ck_rooms_capacity"),
        CheckConstraint("open_minute >= 0 AND open_minute < 1440", name="ck_rooms_open"),
        CheckConstraint(
            "close_minute > open_minute AND close_minute - open_minute <= 1440",
            name="ck_rooms_close",
        ),
        CheckConstraint(
            "slot_minutes >= 5 AND 1440 % slot_minutes = 0", name="ck_rooms_slot_minutes"
        ),
        CheckConstraint("buffer_minutes >= 0", name="ck_rooms_buffer"),
        CheckConstraint("max_slots_per_booking >= 1", name="ck_rooms_max_slots"),
        CheckConstraint("book_ahead_days >= 0", name="ck_rooms_book_ahead"),
        CheckConstraint("no_show_grace_minutes >= 0", name="ck_rooms_grace"),
    )


class RoomAccess(Base):
    """Another station whose kiosks may book this room (its own station always may)."""

    __tablename__ = "room_access"

    room_id: Mapped[str] = mapped_column(String(64), ForeignKey("rooms.id"), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32), ForeignKey("stations.id"), primary_key=True)


class Blackout(Base):
    """A local day with no bookings: one room, or every room when ``room_id`` is null."""

    __tablename__ = "blackouts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("rooms.id"))
    day: Mapped[date] = mapped_column(Date)
    reason_zh: Mapped[str] = mapped_column(String(200), default="")
    reason_en: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        UniqueConstraint("room_id", "day", name="uq_blackouts_room_day"),
        Index("ix_blackouts_day", "day"),
    )


class Booking(Base):
    """A person's booking; its history stays when it is cancelled or released."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    room_id: Mapped[str] = mapped_column(String(64), ForeignKey("rooms.id"))
    station: Mapped[str] = mapped_column(String(32))
    kiosk: Mapped[str] = mapped_column(String(32))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ck_bookings_order"),
        CheckConstraint(
            "status IN ('confirmed', 'checked_in', 'cancelled', 'released')",
            name="ck_bookings_status",
        ),
        Index("ix_bookings_person", "credential_kind", "credential", "starts_at"),
        Index("ix_bookings_room_start", "room_id", "starts_at"),
        Index("ix_bookings_status_start", "status", "starts_at"),
    )

    @property
    def public_id(self) -> str:
        return booking_public_id(self.id)


class BookingSlot(Base):
    """One slot of one room held by one active booking: the primary key is the rule.

    Rows exist only while the booking is active; cancelling or releasing
    deletes them, which frees the slot for the next person.
    """

    __tablename__ = "booking_slots"

    room_id: Mapped[str] = mapped_column(String(64), ForeignKey("rooms.id"), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    booking_id: Mapped[int] = mapped_column(Integer, ForeignKey("bookings.id"), index=True)
    buffer: Mapped[bool] = mapped_column(Boolean, default=False)


class BookingHolder(Base):
    """One row per person who ever booked: locked to serialise that person's quota check.

    Without it two workers could each count three bookings and both add a
    fourth; with ``SELECT ... FOR UPDATE`` on this row the second waits.
    """

    __tablename__ = "booking_holders"

    credential_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    credential: Mapped[str] = mapped_column(String(128), primary_key=True)


def booking_public_id(booking_id: int) -> str:
    """The id a kiosk sees and sends back to cancel (``B-42``)."""
    return f"B-{booking_id}"


def parse_booking_public_id(text: str) -> int | None:
    prefix, _, number = text.partition("-")
    if prefix != "B" or not number.isdigit():
        return None
    return int(number)
