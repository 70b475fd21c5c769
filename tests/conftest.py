from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lianxin.broker import BrokerProcess
from tests.system.stack import Stack


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerProcess]:
    """A Mosquitto of this test's own, on a free port, that the test may kill."""
    process = BrokerProcess(tmp_path / "broker", kind="mosquitto")
    process.start()
    yield process
    process.stop(kill=True)


@pytest.fixture
def stack(tmp_path: Path, broker: BrokerProcess) -> Iterator[Stack]:
    made = Stack(tmp_path, broker.info)
    yield made
    made.close()
