"""The dashboard's own tables: staff accounts, their sessions, the audit log, reviews.

They live in the hub's database (one backup, one migration tool) but on a
separate Alembic branch ("dashboard", revisions d001...), so the domain's
chain and ours never have to agree on an order.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.models import Base, UtcDateTime


class Role(enum.StrEnum):
    """``admin`` may also manage accounts, merge people and read the audit log."""

    STAFF = "staff"
    ADMIN = "admin"


class StaffAccount(Base):
    """A person who runs stations; the password is an argon2id hash, never the text."""

    __tablename__ = "dashboard_staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("role IN ('staff', 'admin')", name="ck_dashboard_staff_role"),
    )


class StaffSession(Base):
    """A signed-in browser. The cookie holds a random token; we keep only its SHA-256.

    Server-side rows make logging out, expiring and disabling an account
    take effect at once; ``csrf_token`` is the synchroniser token every
    form of this session must send back.
    """

    __tablename__ = "dashboard_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, ForeignKey("dashboard_staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Who changed what, when: written in the same transaction as the change itself."""

    __tablename__ = "dashboard_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_dashboard_audit_at", "at"),)


class RegistrationReview(Base):
    """Staff confirmed a visitor or member registration (the domain keeps no such state)."""

    __tablename__ = "dashboard_reviews"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewed_by: Mapped[str] = mapped_column(String(40))
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('visitor', 'member')", name="ck_dashboard_reviews_kind"),
    )
