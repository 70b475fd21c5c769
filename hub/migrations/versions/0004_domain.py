"""domain: stations, rooms, bookings, activities, services, registrations

Revision ID: 0004
Revises: 0003

The booking rule "one slot, one booking" is the primary key of
``booking_slots`` on every database. On PostgreSQL an exclusion
constraint (btree_gist) also forbids two active bookings of one room
whose times overlap, so even a row written around the hub's code is
refused.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Instant = sa.DateTime(timezone=True)
ACTIVE_SIGNUP = "status IN ('confirmed', 'waitlisted')"


def upgrade() -> None:
    _places()
    _bookings()
    _activities()
    _services_and_registrations()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            "(room_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
            "WHERE (status IN ('confirmed', 'checked_in'))"
        )


def _places() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name_zh", sa.String(60), nullable=False),
        sa.Column("name_en", sa.String(60), nullable=False),
        sa.Column("tower_zh", sa.String(60), nullable=False),
        sa.Column("tower_en", sa.String(60), nullable=False),
        sa.Column("weekly_booking_quota", sa.Integer(), nullable=False),
        sa.CheckConstraint("weekly_booking_quota >= 0", name="ck_stations_quota"),
    )
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("station_id", sa.String(32), sa.ForeignKey("stations.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name_zh", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("open_minute", sa.Integer(), nullable=False),
        sa.Column("close_minute", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("max_slots_per_booking", sa.Integer(), nullable=False),
        sa.Column("book_ahead_days", sa.Integer(), nullable=False),
        sa.Column("no_show_grace_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("book_ahead_days >= 0", name="ck_rooms_book_ahead"),
        sa.CheckConstraint("buffer_minutes >= 0", name="ck_rooms_buffer"),
        sa.CheckConstraint("capacity >= 1", name="ck_rooms_capacity"),
        sa.CheckConstraint(
            "close_minute > open_minute AND close_minute - open_minute <= 1440",
            name="ck_rooms_close",
        ),
        sa.CheckConstraint("max_slots_per_booking >= 1", name="ck_rooms_max_slots"),
        sa.CheckConstraint("no_show_grace_minutes >= 0", name="ck_rooms_grace"),
        sa.CheckConstraint("open_minute >= 0 AND open_minute < 1440", name="ck_rooms_open"),
        sa.CheckConstraint(
            "slot_minutes >= 5 AND 1440 % slot_minutes = 0", name="ck_rooms_slot_minutes"
        ),
    )
    op.create_index("ix_rooms_station_id", "rooms", ["station_id"])
    op.create_table(
        "room_access",
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), primary_key=True),
        sa.Column("station_id", sa.String(32), sa.ForeignKey("stations.id"), primary_key=True),
    )
    op.create_table(
        "blackouts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason_zh", sa.String(200), nullable=False),
        sa.Column("reason_en", sa.String(200), nullable=False),
        sa.UniqueConstraint("room_id", "day", name="uq_blackouts_room_day"),
    )
    op.create_index("ix_blackouts_day", "blackouts", ["day"])
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("station_id", sa.String(32), sa.ForeignKey("stations.id"), nullable=True),
        sa.Column("name_zh", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
    )


def _bookings() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("inbox.request_id"), nullable=False
        ),
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), nullable=False),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(32), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("starts_at", Instant, nullable=False),
        sa.Column("ends_at", Instant, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("changed_at", Instant, nullable=False),
        sa.Column("checked_in_at", Instant, nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'checked_in', 'cancelled', 'released')",
            name="ck_bookings_status",
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_bookings_order"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index(
        "ix_bookings_person", "bookings", ["credential_kind", "credential", "starts_at"]
    )
    op.create_index("ix_bookings_room_start", "bookings", ["room_id", "starts_at"])
    op.create_index("ix_bookings_status_start", "bookings", ["status", "starts_at"])
    op.create_table(
        "booking_slots",
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), primary_key=True),
        sa.Column("slot_start", Instant, primary_key=True),
        sa.Column("booking_id", sa.Integer(), sa.ForeignKey("bookings.id"), nullable=False),
        sa.Column("buffer", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_booking_slots_booking_id", "booking_slots", ["booking_id"])
    op.create_table(
        "booking_holders",
        sa.Column("credential_kind", sa.String(16), primary_key=True),
        sa.Column("credential", sa.String(128), primary_key=True),
    )


def _activities() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("station_id", sa.String(32), sa.ForeignKey("stations.id"), nullable=False),
        sa.Column("room_id", sa.String(64), sa.ForeignKey("rooms.id"), nullable=True),
        sa.Column("place_zh", sa.String(120), nullable=False),
        sa.Column("place_en", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title_zh", sa.String(120), nullable=False),
        sa.Column("title_en", sa.String(120), nullable=False),
        sa.Column("starts_at", Instant, nullable=False),
        sa.Column("ends_at", Instant, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name="ck_activities_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_activities_order"),
    )
    op.create_index("ix_activities_starts_at", "activities", ["starts_at"])
    op.create_index("ix_activities_station_id", "activities", ["station_id"])
    op.create_table(
        "signups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("inbox.request_id"), nullable=False
        ),
        sa.Column(
            "activity_id", sa.String(64), sa.ForeignKey("activities.id"), nullable=False
        ),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("queue_position", sa.Integer(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("changed_at", Instant, nullable=False),
        sa.CheckConstraint(
            "(status = 'confirmed') = (seat IS NOT NULL) AND (seat IS NULL OR seat >= 1)",
            name="ck_signups_seat",
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'withdrawn')", name="ck_signups_status"
        ),
        sa.UniqueConstraint("activity_id", "queue_position", name="uq_signups_queue"),
        sa.UniqueConstraint("activity_id", "seat", name="uq_signups_seat"),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index(
        "uq_signups_active_person",
        "signups",
        ["activity_id", "credential_kind", "credential"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_SIGNUP),
        postgresql_where=sa.text(ACTIVE_SIGNUP),
    )
    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "activity_id", sa.String(64), sa.ForeignKey("activities.id"), nullable=False
        ),
        sa.Column("check_in_id", sa.Integer(), sa.ForeignKey("check_ins.id"), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("signed_up", sa.Boolean(), nullable=False),
        sa.Column("at", Instant, nullable=False),
        sa.UniqueConstraint(
            "activity_id", "credential_kind", "credential", name="uq_attendances_person"
        ),
        sa.UniqueConstraint("check_in_id"),
    )


def _services_and_registrations() -> None:
    op.create_table(
        "service_items",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("category_zh", sa.String(60), nullable=False),
        sa.Column("category_en", sa.String(60), nullable=False),
        sa.Column("title_zh", sa.String(120), nullable=False),
        sa.Column("title_en", sa.String(120), nullable=False),
        sa.Column("key_project", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "service_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("inbox.request_id"), nullable=False
        ),
        sa.Column(
            "service_id", sa.String(64), sa.ForeignKey("service_items.id"), nullable=False
        ),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(32), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("staff_note", sa.Text(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("changed_at", Instant, nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'done', 'declined')",
            name="ck_service_requests_status",
        ),
        sa.UniqueConstraint("request_id"),
    )
    op.create_index("ix_service_requests_status", "service_requests", ["status", "created_at"])
    op.create_table(
        "visitors",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("inbox.request_id"), nullable=False
        ),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("name", sa.String(30), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("consent_version", sa.String(16), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=True),
        sa.Column("credential", sa.String(128), nullable=True),
        sa.Column("registered_at", Instant, nullable=False),
        sa.UniqueConstraint("request_id"),
    )
    op.create_table(
        "member_registrations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("inbox.request_id"), nullable=False
        ),
        sa.Column(
            "organisation_id", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False
        ),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_at", Instant, nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "credential_kind", "credential", name="uq_member_registrations"
        ),
        sa.UniqueConstraint("request_id"),
    )


def downgrade() -> None:
    for table in (
        "member_registrations",
        "visitors",
        "service_requests",
        "service_items",
        "attendances",
        "signups",
        "activities",
        "booking_holders",
        "booking_slots",
        "bookings",
        "organisations",
        "blackouts",
        "room_access",
        "rooms",
        "stations",
    ):
        op.drop_table(table)
