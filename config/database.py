"""How a role opens its configured database (SQLite file or PostgreSQL server) and migrates it.

SQLite runs in WAL mode with ``synchronous=FULL``: the hub and central
answer only after a commit, so a commit must survive a power cut.

PostgreSQL keeps its default plan caching. psycopg prepares a statement on
the server once a connection has run it five times, and PostgreSQL may then
keep one generic plan for it; statistics (autovacuum's ANALYZE) replace that
plan. Planning every statement afresh (``plan_cache_mode=force_custom_plan``)
was measured and not kept: it spared a new database's first minute, before
any statistics, but cost 18% of the hub's steady ingest
(docs/performance-rounds.md, "Sixth round").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def open_engine(url: str, *, base_dir: Path | None = None, **postgres_pool: Any) -> Engine:
    """An engine for ``url``; a relative SQLite path is taken relative to ``base_dir``.

    ``postgres_pool``: pool sizes (``pool_size``, ``max_overflow``) for a
    PostgreSQL engine; SQLite ignores them.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not Path(database).is_absolute():
            parsed = parsed.set(database=str((base_dir or Path.cwd()) / database))
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **postgres_pool)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def upgrade_schema(engine: Engine, migrations_dir: Path, revision: str) -> None:
    """Run the Alembic migrations in ``migrations_dir`` up to ``revision``, in one transaction."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after their commit."""
    return sessionmaker(engine, expire_on_commit=False)
