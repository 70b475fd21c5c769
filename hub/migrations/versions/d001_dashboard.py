"""dashboard: staff accounts, sessions, audit log, registration reviews

Revision ID: d001
Revises: 0003

A branch of its own ("dashboard") so the domain's 0004+ chain and the
dashboard's d00x chain grow independently; the hub upgrades to "heads".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d001"
down_revision = "0003"
branch_labels = ("dashboard",)
depends_on = None

Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dashboard_staff",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(40), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("password_changed_at", Instant, nullable=False),
        sa.CheckConstraint("role IN ('staff', 'admin')", name="ck_dashboard_staff_role"),
    )
    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("dashboard_staff.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("last_seen_at", Instant, nullable=False),
        sa.Column("expires_at", Instant, nullable=False),
    )
    op.create_index("ix_dashboard_sessions_staff_id", "dashboard_sessions", ["staff_id"])
    op.create_table(
        "dashboard_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", Instant, nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_dashboard_audit_at", "dashboard_audit", ["at"])
    op.create_table(
        "dashboard_reviews",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("record_id", sa.Integer, primary_key=True),
        sa.Column("reviewed_by", sa.String(40), nullable=False),
        sa.Column("reviewed_at", Instant, nullable=False),
        sa.CheckConstraint("kind IN ('visitor', 'member')", name="ck_dashboard_reviews_kind"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_reviews")
    op.drop_index("ix_dashboard_audit_at", "dashboard_audit")
    op.drop_table("dashboard_audit")
    op.drop_index("ix_dashboard_sessions_staff_id", "dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_table("dashboard_staff")
