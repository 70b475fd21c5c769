"""Engine set-up and migrations for the hub's database.

The engine is config/database.py's: SQLite in WAL mode with
``synchronous=FULL`` so a commit survives a power cut (the hub replies to a
kiosk only after such a commit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from config.database import open_engine, session_factory, upgrade_schema
from hub.wal_checkpoint import AUTOCHECKPOINT_PAGES

__all__ = ["MIGRATIONS_DIR", "make_engine", "migrate", "session_factory"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, base_dir: Path | None = None) -> Engine:
    """The hub's engine (config/database.py); a relative SQLite path is under ``base_dir``.

    On SQLite its connections checkpoint the WAL only past
    ``AUTOCHECKPOINT_PAGES``: the hub's checkpointer thread does it before
    then (hub/wal_checkpoint.py).
    """
    engine = open_engine(url, base_dir=base_dir)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _autocheckpoint_as_a_net)
    return engine


def _autocheckpoint_as_a_net(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` with Alembic (idempotent).

    "heads": the domain and the dashboard keep their own migration branches
    from revision 0003, so there can be more than one head.
    """
    upgrade_schema(engine, MIGRATIONS_DIR, revision)
