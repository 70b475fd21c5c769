"""events, change feeds and online bookings

Revision ID: c0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("hub_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_events_station_kind", "events", ["station", "kind"])
    counters = op.create_table(
        "feed_counters",
        sa.Column("feed", sa.String(32), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "feed_items",
        sa.Column("feed", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feed_items_feed_seq", "feed_items", ["feed", "change_seq"], unique=True)
    # One counter row per feed from the start: changes lock it, never insert it.
    op.bulk_insert(
        counters,
        [{"feed": feed, "last_seq": 0} for feed in ("roster", "rooms", "activities", "catalogue")],
    )
    op.create_table(
        "online_bookings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("room_id", sa.String(64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decision_status", sa.String(16), nullable=True),
        sa.Column("decision_code", sa.String(40), nullable=True),
        sa.Column("decision_json", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_online_bookings_pending", "online_bookings", ["decided_at", "station", "id"]
    )


def downgrade() -> None:
    op.drop_table("online_bookings")
    op.drop_table("feed_items")
    op.drop_table("feed_counters")
    op.drop_table("events")
