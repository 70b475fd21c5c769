from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lianxin.broker import BrokerProcess
from tests.central.stack import Central, CentralHub
from tests.system.stack import Stack


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerProcess]:
    """A Mosquitto of this test's own, on a free port."""
    process = BrokerProcess(tmp_path / "broker", kind="mosquitto")
    process.start()
    yield process
    process.stop(kill=True)


@pytest.fixture
def stack(tmp_path: Path, broker: BrokerProcess) -> Iterator[Stack]:
    made = Stack(tmp_path, broker.info)
    yield made
    made.close()


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
