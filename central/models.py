"""Central's tables. Idempotency and feed order live in the schema.

- ``events``: every record a hub pushed, keyed by its event id (the hub's
  request id), so a resent batch cannot store anything twice.
- ``feed_items``: the current state of each roster / rooms / activities /
  catalogue entry, with ``change_seq`` taken from ``feed_counters`` under a
  row lock: a feed read "after cursor N" never misses a change that commits
  later with a smaller number.
- ``online_bookings``: bookings made online, waiting for the hub's decision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hub_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    station: Mapped[str] = mapped_column(String(32))
    payload_json: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_events_station_kind", "station", "kind"),)


class FeedCounter(Base):
    """The last change number handed out per feed; locked while a change commits."""

    __tablename__ = "feed_counters"

    feed: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class FeedItem(Base):
    """One entry of a change feed; a deletion stays as a tombstone (``deleted``)."""

    __tablename__ = "feed_items"

    feed: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_feed_items_feed_seq", "feed", "change_seq", unique=True),)


class OnlineBooking(Base):
    """A booking asked for online; ``decision_*`` is empty until a hub decides."""

    __tablename__ = "online_bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station: Mapped[str] = mapped_column(String(32))
    room_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_status: Mapped[str | None] = mapped_column(String(16))
    decision_code: Mapped[str | None] = mapped_column(String(40))
    decision_json: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_online_bookings_pending", "decided_at", "station", "id"),)
