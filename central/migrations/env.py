"""Alembic environment: central passes its own connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from central.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    version_table="central_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
