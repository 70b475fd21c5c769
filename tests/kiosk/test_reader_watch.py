"""A reader that turns every card into bad frames is reported as failing, and counted.

A real EM4100 driver reads a simulated reader through a pseudo-terminal;
the simulator sends frames with a wrong checksum, as a reader with a loose
antenna does. The driver's own health stays "ok" (its port is fine): the
kiosk's watch is what tells the hub no one can check in here.
"""

from __future__ import annotations

import threading

from devices.factory import open_reader
from devices.scan import ScanEvent
from devices.sim import start_simulator
from kiosk.core.reader_watch import STREAK, ReaderWatch
from tests.devices.conftest import ID_KEY
from tests.waiting import wait_until

FAST = {"reconnect_initial_s": 0.01, "reconnect_max_s": 0.1, "dedupe_window_s": 0, "hold_gap_s": 0}
CARD = "3C00CE754C"
BAD_CHECKSUM = b"\x023C00CE754C00\r\n\x03"  # the right shape, the wrong check digits


def test_a_reader_that_only_misreads_is_an_error_until_it_reads_a_card() -> None:
    watch = ReaderWatch()
    taken: list[ScanEvent] = []

    def on_scan(scan: ScanEvent) -> None:
        watch.on_scan()
        taken.append(scan)

    stop = threading.Event()
    with start_simulator("em4100") as reader:
        watch.reader = open_reader(
            "em4100",
            reader.port_path,
            reader_id="k1-em4100",
            id_hash_key=ID_KEY,
            options=FAST,
            on_error=watch.on_error,
        )
        thread = threading.Thread(target=watch.reader.run, args=(on_scan, stop), daemon=True)
        thread.start()
        try:
            wait_until(lambda: watch.health == "ok", message="port open")
            for _ in range(STREAK):
                reader.send_raw(BAD_CHECKSUM)
            wait_until(lambda: watch.errors >= STREAK, message="the bad frames counted")
            assert watch.reader.health == "ok"  # the driver alone would say all is well
            assert watch.health == "error"
            reader.present(CARD)
            wait_until(lambda: len(taken) == 1, message="a good read")
            assert watch.health == "ok" and watch.errors >= STREAK
        finally:
            stop.set()
            thread.join(timeout=10)


def test_old_errors_do_not_condemn_a_reader() -> None:
    now = [0.0]
    watch = ReaderWatch(streak=3, window_s=60, clock=lambda: now[0])
    watch.reader = _AlwaysOk()
    from devices.reads import ErrorCode, ReaderError  # noqa: PLC0415

    for at in (0.0, 1.0, 70.0):
        now[0] = at
        watch.on_error(ReaderError("k1", ErrorCode.FRAME, "checksum"))
    assert watch.health == "ok"  # two of the three are over a minute old
    now[0] = 71.0
    watch.on_error(ReaderError("k1", ErrorCode.FRAME, "checksum"))
    watch.on_error(ReaderError("k1", ErrorCode.FRAME, "checksum"))
    assert watch.health == "error" and watch.errors == 5


class _AlwaysOk:
    health = "ok"
