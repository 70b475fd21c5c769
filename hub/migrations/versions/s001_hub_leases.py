"""scale: hub_leases, so several hub workers run once-only jobs one at a time

Revision ID: s001
Revises: 0003

A branch of its own ("scale"), like the dashboard's; the hub upgrades to "heads".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s001"
down_revision = "0003"
branch_labels = ("scale",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("term", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("renewed_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hub_leases")
