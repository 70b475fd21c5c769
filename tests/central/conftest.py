from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lianxin.broker import BrokerProcess
from tests.central.stack import Central, CentralHub


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
