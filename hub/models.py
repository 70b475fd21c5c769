"""The hub's tables. Uniqueness lives in the schema, not in Python checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Dialect, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# A retention rule's mark: the credential that said who it was is gone (hub/retention.py).
ANONYMISED = "anonymised"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC, read back as aware UTC.

    SQLite keeps no offset: a "+08:00" time would be stored as its wall
    clock and read back as if it were UTC. Converting on the way in (and
    refusing naive values) makes every backend agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else _as_utc(value)

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the UTC text in one step (SQLAlchemy's ``DATETIME`` format).

        A check-in binds six times; through ``process_bind_param`` and then
        the dialect's own formatting each cost 2.0-2.2 us, this 1.4-1.6 us.
        """
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _sqlite_utc_text

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: times in the database are UTC-aware")
    return value.astimezone(UTC)


# The last two times written as text, newest first: (the datetime, its text).
_RECENT: list[tuple[datetime | None, str | None]] = [(None, None), (None, None)]


def _sqlite_utc_text(value: datetime | None) -> str | None:
    """``value`` in UTC as SQLite's ``DATETIME`` stores it: ``YYYY-MM-DD HH:MM:SS.ffffff``.

    A batch binds one time, the hub's ``received_at``, three times per
    check-in (its claim, its check-in, its sync record), between the
    kiosk's own times: the text of the last two objects is kept, and the
    same object (``is``, never merely equal: a datetime is immutable) gets
    it back. Writing the text is ~1.2 µs; a batch of 500 check-ins cut its
    CPU by ~5 % (docs/performance-rounds.md, fifteenth round). Each entry is one
    tuple, so another thread binding at the same time reads a value with
    its own text or misses; it never reads a mismatched pair.
    """
    newest = _RECENT[0]
    if newest[0] is value:
        return newest[1]
    older = _RECENT[1]
    if older[0] is value:
        _RECENT[0], _RECENT[1] = older, newest
        return older[1]
    text = None if value is None else _as_utc(value).isoformat(" ", "microseconds")[:26]
    _RECENT[0], _RECENT[1] = (value, text), newest
    return text


class Base(DeclarativeBase):
    # Every Mapped[datetime] column is stored as UTC (see UtcDateTime).
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime}


class InboxEntry(Base):
    """Every request the hub accepted, keyed by the id the kiosk made.

    The primary key makes delivery exactly-once in effect: a second copy of
    a request cannot insert here, and gets ``reply_json`` back instead.
    Written in the same transaction as the work the request caused.
    """

    __tablename__ = "inbox"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station: Mapped[str] = mapped_column(String(32))
    kiosk: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32))
    kiosk_time: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    reply_json: Mapped[str] = mapped_column(Text)


class CheckIn(Base):
    """A person checked in at a station. Times in UTC; ``received_at`` rules."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    station: Mapped[str] = mapped_column(String(32))
    kiosk: Mapped[str] = mapped_column(String(32))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(16))
    activity_id: Mapped[str | None] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_check_ins_person_time", "credential_kind", "credential", "received_at"),
    )


class SyncEvent(Base):
    """The transactional outbox towards central: one row per recorded change.

    Written in the same transaction as the change itself, so central gets
    exactly the hub's records: an event exists if and only if its change
    was committed. ``event_id`` is what central dedupes on.
    """

    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    station: Mapped[str] = mapped_column(String(32))
    payload_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parked_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_sync_outbox_unsent", "sent_at", "id"),)


class RosterEntry(Base):
    """A person the centre knows, by credential. Never a clear ID number.

    ``credential`` is the keyed hash for ID cards and the card id for RFID
    cards. ``stations`` is a comma-separated list, or "*" for every station.
    """

    __tablename__ = "roster"

    credential_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    credential: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    masked_name: Mapped[str] = mapped_column(String(20))
    member: Mapped[bool] = mapped_column(default=False)
    stations: Mapped[str] = mapped_column(String(400), default="*")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReferenceVersion(Base):
    """A counter per reference table, so snapshot versions grow across restarts."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class SyncCursor(Base):
    """Where the hub is in each of central's change feeds (roster, rooms, ...)."""

    __tablename__ = "sync_cursors"

    feed: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


# Every table's model must be loaded wherever the metadata is used (the
# migration check, create_all in tests): the domain's and the dashboard's too.
from hub import lease_models as _lease_models  # noqa: E402, F401
from hub.dashboard import models as _dashboard_models  # noqa: E402, F401
from hub.domain import models as _domain_models  # noqa: E402, F401
