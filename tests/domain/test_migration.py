"""Migration 0004: from an empty database, and from 0003 with rows in it."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import hub.domain  # noqa: F401
from hub.db import MIGRATIONS_DIR, make_engine, migrate
from hub.models import Base

DOMAIN_TABLES = {
    "stations",
    "rooms",
    "room_access",
    "blackouts",
    "bookings",
    "booking_slots",
    "booking_holders",
    "activities",
    "signups",
    "attendances",
    "service_items",
    "service_requests",
    "visitors",
    "organisations",
    "member_registrations",
}


def _script_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def test_upgrade_from_empty_builds_the_domain_exactly(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= DOMAIN_TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrade_from_0003_keeps_rows_and_adds_the_domain(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine, "0003")
    assert not DOMAIN_TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO sync_cursors VALUES ('roster', 'c-42', '2026-11-29 04:00:00')"
        )
    migrate(engine)
    with engine.connect() as connection:
        # One row per head: the domain's branch, the dashboard's and the leases'.
        heads = {
            row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        }
        assert heads == _script_heads()
        assert connection.exec_driver_sql("SELECT cursor FROM sync_cursors").scalar_one() == "c-42"
    assert set(inspect(engine).get_table_names()) >= DOMAIN_TABLES


def test_upgrade_on_postgresql_adds_the_overlap_exclusion(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        names = (
            connection.exec_driver_sql("SELECT conname FROM pg_constraint WHERE contype = 'x'")
            .scalars()
            .all()
        )
    engine.dispose()
    assert "ex_bookings_no_overlap" in names
