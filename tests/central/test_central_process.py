"""`lianxin central` stops cleanly on SIGTERM / SIGINT and refuses an unusable token file."""

from __future__ import annotations

import signal

import pytest

from lianxin.processes import RoleProcess
from tests.central.stack import Central


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_central_exits_0_on_a_stop_signal(central: Central, signum: int) -> None:
    central.start()
    assert central.process is not None
    central.process.signal(signum)
    assert central.process.wait_exit(30) == 0


def test_central_with_a_too_short_token_refuses_to_start(central: Central) -> None:
    central.hub_token = "short"
    config = central.write_config()
    process = RoleProcess(["central", "--config", str(config)], central.directory / "central.log")
    process.start()
    assert process.wait_exit(30) == 2
    assert "shorter than 16 characters" in process.log()
