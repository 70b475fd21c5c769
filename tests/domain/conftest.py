"""Fixtures for domain tests: a Mosquitto, real hub processes, and a PostgreSQL database.

PostgreSQL: the suite uses the server named by ``LIANXIN_TEST_POSTGRES``
(a libpq URL to an existing database), else the local one on
127.0.0.1:5432 (database ``test``, user ``postgres`` then ``root``). It
creates a database of its own for the session and drops it afterwards.
When no server answers, only the PostgreSQL tests are skipped, with the
reason printed in the summary.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from tests.domain.harness import Domain

_CANDIDATES = (
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
    "postgresql://postgres@127.0.0.1:5432/postgres",
)


def _admin_url() -> tuple[str | None, list[str]]:
    configured = os.environ.get("LIANXIN_TEST_POSTGRES")
    errors = []
    for url in (configured,) if configured else _CANDIDATES:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url, errors
        except psycopg.Error as exc:
            errors.append(f"{url}: {str(exc).strip().splitlines()[0]}")
    return None, errors


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """A libpq URL to an existing database of the server the tests use."""
    admin, errors = _admin_url()
    if admin is None:
        reason = "PostgreSQL unavailable, PostgreSQL contention NOT tested: " + "; ".join(errors)
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    return admin


@contextmanager
def _new_database(admin: str) -> Iterator[str]:
    """A SQLAlchemy URL to a new, empty database, dropped afterwards."""
    name = f"lianxin_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(admin)
    user = info.get("user", "postgres")
    host, port = info.get("host", "127.0.0.1"), info.get("port", "5432")
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """A SQLAlchemy URL to a fresh database the session's tests share."""
    with _new_database(postgres_admin) as url:
        yield url


@pytest.fixture
def empty_postgres_url(postgres_admin: str) -> Iterator[str]:
    """A SQLAlchemy URL to a database of this test's own, empty when it starts."""
    with _new_database(postgres_admin) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated hub database with the test stations: on SQLite, then on PostgreSQL."""
    url = None if request.param == "sqlite" else request.getfixturevalue("empty_postgres_url")
    domain = Domain.create(tmp_path, url)
    yield domain.engine
    domain.engine.dispose()
