"""Central's engine and migrations: SQLite (WAL, synchronous=FULL) or PostgreSQL.

Central answers a batch only after its commit, so a commit must survive a
power cut: that is what ``synchronous=FULL`` buys on SQLite. The engine is
config/database.py's, as the hub's is.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.database import open_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, base_dir: Path) -> Engine:
    """Central's engine (config/database.py); a relative SQLite path is under ``base_dir``."""
    return open_engine(url, base_dir=base_dir, pool_size=10, max_overflow=10)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring central's schema to ``revision`` (idempotent; own version table)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
