"""Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import hub.dashboard.models  # (the dashboard's tables join Base.metadata)
import hub.domain  # noqa: F401  (the domain's tables join Base.metadata)
from hub.db import MIGRATIONS_DIR, make_engine, migrate
from hub.models import Base


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert {"inbox", "check_ins", "sync_outbox", "roster"} <= set(inspect(engine).get_table_names())


def test_upgrade_from_the_previous_revision_keeps_rows(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO inbox VALUES ('01a22607-3200-7cfa-9e49-1c71f9a98a54', 'st01', 'k1', 1,"
            " 'check_in', '2026-11-29 04:00:00', '2026-11-29 04:00:01', 'ok', 'checked_in', '{}')"
        )
    migrate(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM inbox").scalar_one() == 1
