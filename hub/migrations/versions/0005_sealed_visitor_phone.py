"""visitors keep their phone sealed, never in clear

Revision ID: 0005
Revises: 0004

Existing clear numbers cannot be sealed here (the migration holds no key):
they are replaced by their masked form and an empty sealed value, so the
clear number is gone from the database after this upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visitors") as batch:
        batch.add_column(
            sa.Column("phone_sealed", sa.String(400), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("phone_masked", sa.String(20), nullable=False, server_default="")
        )
    op.execute(
        "UPDATE visitors SET phone_masked = substr(phone, 1, 3) || '****' || "
        "substr(phone, length(phone) - 3, 4)"
    )
    with op.batch_alter_table("visitors") as batch:
        batch.drop_column("phone")
        batch.alter_column("phone_sealed", server_default=None)
        batch.alter_column("phone_masked", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("visitors") as batch:
        batch.add_column(sa.Column("phone", sa.String(16), nullable=False, server_default=""))
    op.execute("UPDATE visitors SET phone = phone_masked")
    with op.batch_alter_table("visitors") as batch:
        batch.drop_column("phone_sealed")
        batch.drop_column("phone_masked")
        batch.alter_column("phone", server_default=None)
