"""sync outbox, roster and reference versions

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("parked_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_sync_outbox_unsent", "sync_outbox", ["sent_at", "id"])
    op.create_table(
        "roster",
        sa.Column("credential_kind", sa.String(16), primary_key=True),
        sa.Column("credential", sa.String(128), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("masked_name", sa.String(20), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("stations", sa.String(400), nullable=False, server_default="*"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_roster_person_id", "roster", ["person_id"])
    op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reference_versions")
    op.drop_index("ix_roster_person_id", "roster")
    op.drop_table("roster")
    op.drop_index("ix_sync_outbox_unsent", "sync_outbox")
    op.drop_table("sync_outbox")
