"""the inbox without its index by kiosk and sequence number

Revision ID: 0007
Revises: 0006

No query has ever read the inbox by station, kiosk and sequence number:
the hub looks a request up by its id (the primary key), and the tally of
a drain counts every row. The index cost every request a write on the
path a swipe waits for: 2-4 µs a check-in at 500 a batch, and one page of
each lone check-in's commit (docs/performance-rounds.md, sixteenth round).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_inbox_kiosk_seq", "inbox")


def downgrade() -> None:
    op.create_index("ix_inbox_kiosk_seq", "inbox", ["station", "kiosk", "seq"])
