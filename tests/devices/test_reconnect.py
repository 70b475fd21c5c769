"""Unplug (close the pty master) and replug (a new pty behind a stable symlink)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devices.sim import start_simulator
from devices.sim.cards import SyntheticCards
from tests.waiting import wait_until

FAST = {"reconnect_initial_s": 0.01, "reconnect_max_s": 0.1, "dedupe_window_s": 0}
DRIVER_OPTIONS = {
    "idcard": {"poll_interval_s": 0.02, "response_timeout_s": 0.5},
    "em4100": {"hold_gap_s": 0},
}


def point(link: Path, target: str) -> None:
    """Re-point ``link`` atomically, like a udev rule renaming a replugged device."""
    tmp = link.with_suffix(".new")
    tmp.symlink_to(target)
    os.replace(tmp, link)


@pytest.mark.parametrize("driver", ["idcard", "em4100"])
def test_driver_recovers_after_unplug_and_replug(driver, run_reader, tmp_path):
    cards = SyntheticCards(seed=7)
    link = tmp_path / "ttyREADER"
    first = start_simulator(driver)
    point(link, first.port_path)
    reader = run_reader(driver, str(link), **FAST, **DRIVER_OPTIONS[driver])
    try:
        wait_until(lambda: reader.source.health == "ok", message="first open")
        first.present(cards.for_driver(driver))
        wait_until(lambda: len(reader.scans) == 1, message="scan before unplug")
    finally:
        first.close()  # unplug
    wait_until(lambda: reader.source.health == "missing", message="missing after unplug")
    with start_simulator(driver) as second:
        point(link, second.port_path)
        wait_until(lambda: reader.source.health == "ok", message="ok after replug")
        second.present(cards.for_driver(driver))
        wait_until(lambda: len(reader.scans) == 2, message="scan after replug")
    assert any(e.code == "port" for e in reader.errors)
