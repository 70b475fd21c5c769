"""The hub's tables. Uniqueness lives in the schema, not in Python checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


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
    kiosk_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    reply_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_inbox_kiosk_seq", "station", "kiosk", "seq"),)


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
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_check_ins_credential", "credential_kind", "credential"),)
