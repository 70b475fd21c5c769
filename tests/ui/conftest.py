from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.sim import start_simulator
from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo, free_port
from tests.ui.display import Xvfb
from tests.ui.kiosk_ui import KioskUI


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    screen = Xvfb().start()
    yield screen
    screen.stop()


@pytest.fixture
def nobody() -> BrokerInfo:
    """A broker address where nothing listens: the kiosk stays offline."""
    return BrokerInfo("127.0.0.1", free_port(), "mosquitto", "5", True)


@pytest.fixture
def kiosk_ui(tmp_path: Path, xvfb: Xvfb) -> Iterator[Callable[..., KioskUI]]:
    made: list[KioskUI] = []

    def make(broker: BrokerInfo, **options: object) -> KioskUI:
        ui = KioskUI(tmp_path / f"kiosk{len(made)}", xvfb.display, broker, **options)  # type: ignore[arg-type]
        made.append(ui)
        return ui.start()

    yield make
    for ui in made:
        ui.stop()


@pytest.fixture
def em4100() -> Iterator[PtySimulator]:
    """An EM4100 reader simulator on a pseudo-terminal."""
    sim = start_simulator("em4100")
    yield sim
    sim.close()
