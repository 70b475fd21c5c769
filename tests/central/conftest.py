from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lianxin.broker import BrokerProcess
from tests.central.stack import Central, CentralHub

ADMIN = "postgresql://postgres@127.0.0.1:5432/test"  # the machine's PostgreSQL (trust auth)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    """Central records on a free port with its own SQLite database (not started)."""
    handle = Central(tmp_path / "central")
    yield handle
    if handle.process is not None:
        handle.process.kill()


@pytest.fixture
def central_hub(tmp_path: Path, broker: BrokerProcess, central: Central) -> Iterator[CentralHub]:
    """A hub (not started) that syncs to ``central``; killed after the test."""
    handle = CentralHub(
        tmp_path / "hub", broker.info, central_url=central.url, token=central.hub_token
    )
    yield handle
    if handle.process is not None:
        handle.process.kill()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    """Central, started, on SQLite and on PostgreSQL: each stores batches its own way."""
    central = Central(Path(tmp_path_factory.mktemp("central")))
    database = None
    if request.param == "postgresql":
        database = f"lianxin_central_test_{secrets.token_hex(4)}"
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        central.database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    central.start()
    yield central
    assert central.process is not None
    central.process.kill()
    if database is not None:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
