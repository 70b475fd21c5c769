"""check-ins indexed by person and time, for the visits-this-year count

Revision ID: 0006
Revises: 0005

Every check-in counts the person's visits since 1 January; with the time
in the index that count reads only this year's entries of one person.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_check_ins_person_time", "check_ins", ["credential_kind", "credential", "received_at"]
    )
    op.drop_index("ix_check_ins_credential", "check_ins")


def downgrade() -> None:
    op.create_index("ix_check_ins_credential", "check_ins", ["credential_kind", "credential"])
    op.drop_index("ix_check_ins_person_time", "check_ins")
