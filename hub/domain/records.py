"""Activities with their sign-ups and attendance, services, and registrations.

Capacity is kept by seats: a confirmed sign-up holds a seat number that is
unique per activity and chosen under a row lock on the activity, so two
workers can never hand out the same place. The wait list is ordered by
``queue_position``, also unique per activity.
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
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.models import Base, UtcDateTime


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"


class ServiceRequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DONE = "done"
    DECLINED = "declined"


_ACTIVE_SIGNUP = "status IN ('confirmed', 'waitlisted')"


class Activity(Base):
    """An activity with a capacity (午间一小时, a festival event ...)."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(32), ForeignKey("stations.id"), index=True)
    room_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("rooms.id"))
    place_zh: Mapped[str] = mapped_column(String(120), default="")
    place_en: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(32))
    title_zh: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    capacity: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("capacity >= 0", name="ck_activities_capacity"),
        CheckConstraint("ends_at > starts_at", name="ck_activities_order"),
        Index("ix_activities_starts_at", "starts_at"),
    )


class Signup(Base):
    """A person on an activity: confirmed with a seat, wait-listed in order, or withdrawn."""

    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    activity_id: Mapped[str] = mapped_column(String(64), ForeignKey("activities.id"))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    seat: Mapped[int | None] = mapped_column(Integer)
    queue_position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'withdrawn')", name="ck_signups_status"
        ),
        CheckConstraint(
            "(status = 'confirmed') = (seat IS NOT NULL) AND (seat IS NULL OR seat >= 1)",
            name="ck_signups_seat",
        ),
        UniqueConstraint("activity_id", "seat", name="uq_signups_seat"),
        UniqueConstraint("activity_id", "queue_position", name="uq_signups_queue"),
        Index(
            "uq_signups_active_person",
            "activity_id",
            "credential_kind",
            "credential",
            unique=True,
            sqlite_where=text(_ACTIVE_SIGNUP),
            postgresql_where=text(_ACTIVE_SIGNUP),
        ),
    )


class Attendance(Base):
    """A person was at an activity: recorded once, from a scan at the kiosk."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    activity_id: Mapped[str] = mapped_column(String(64), ForeignKey("activities.id"))
    check_in_id: Mapped[int] = mapped_column(Integer, ForeignKey("check_ins.id"), unique=True)
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    signed_up: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint(
            "activity_id", "credential_kind", "credential", name="uq_attendances_person"
        ),
    )


class ServiceItem(Base):
    """An entry of the 红色代办 catalogue; ``key_project`` marks the centre's key projects."""

    __tablename__ = "service_items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    category_zh: Mapped[str] = mapped_column(String(60))
    category_en: Mapped[str] = mapped_column(String(60))
    title_zh: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    key_project: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceRequest(Base):
    """A person's request for a catalogue service, worked on by staff."""

    __tablename__ = "service_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    service_id: Mapped[str] = mapped_column(String(64), ForeignKey("service_items.id"))
    station: Mapped[str] = mapped_column(String(32))
    kiosk: Mapped[str] = mapped_column(String(32))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    staff_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'accepted', 'done', 'declined')",
            name="ck_service_requests_status",
        ),
        Index("ix_service_requests_status", "status", "created_at"),
    )


class Visitor(Base):
    """Someone with no card the centre knows; kept only with consent (PIPL)."""

    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    station: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(30))
    phone_sealed: Mapped[str] = mapped_column(String(400))  # sealed to the hub's phone key
    phone_masked: Mapped[str] = mapped_column(String(20))
    consent_version: Mapped[str] = mapped_column(String(16))
    credential_kind: Mapped[str | None] = mapped_column(String(16))
    credential: Mapped[str | None] = mapped_column(String(128))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Organisation(Base):
    """A building's Party organisation members register with (党员报到)."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("stations.id"))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


class MemberRegistration(Base):
    """A member moved their membership to a building organisation on ``registered_on``."""

    __tablename__ = "member_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(36), ForeignKey("inbox.request_id"), unique=True)
    organisation_id: Mapped[str] = mapped_column(String(64), ForeignKey("organisations.id"))
    credential_kind: Mapped[str] = mapped_column(String(16))
    credential: Mapped[str] = mapped_column(String(128))
    station: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(200), default="")
    registered_on: Mapped[date] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "credential_kind", "credential", name="uq_member_registrations"
        ),
    )
