"""inbox and check-ins

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("request_id", sa.String(36), primary_key=True),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("kiosk_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("reply_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_inbox_kiosk_seq", "inbox", ["station", "kiosk", "seq"])
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id",
            sa.String(36),
            sa.ForeignKey("inbox.request_id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("station", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(32), nullable=False),
        sa.Column("credential_kind", sa.String(16), nullable=False),
        sa.Column("credential", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("activity_id", sa.String(64), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_check_ins_credential", "check_ins", ["credential_kind", "credential"])


def downgrade() -> None:
    op.drop_index("ix_check_ins_credential", "check_ins")
    op.drop_table("check_ins")
    op.drop_index("ix_inbox_kiosk_seq", "inbox")
    op.drop_table("inbox")
