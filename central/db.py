"""Central's engine and migrations: SQLite (WAL, synchronous=FULL) or PostgreSQL.

Central answers a batch only after its commit, so a commit must survive a
power cut: that is what ``synchronous=FULL`` buys on SQLite. The engine is
config/database.py's, as the hub's is.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from config.database import open_engine, session_factory, upgrade_schema

__all__ = ["MIGRATIONS_DIR", "make_engine", "migrate", "session_factory"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, base_dir: Path) -> Engine:
    """Central's engine (config/database.py); a relative SQLite path is under ``base_dir``."""
    return open_engine(url, base_dir=base_dir, pool_size=10, max_overflow=10)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring central's schema to ``revision`` (idempotent; own version table)."""
    upgrade_schema(engine, MIGRATIONS_DIR, revision)
