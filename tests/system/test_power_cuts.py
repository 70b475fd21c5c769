"""Power cuts at the worst moments: nothing lost, nothing doubled.

Crash points (config/crash_points.py) make a process SIGKILL itself exactly
between two steps that a random kill would almost never separate.
"""

from __future__ import annotations

import signal

from config.crash_points import ENV as CRASH_AT
from lianxin.tally import tally
from tests.system.stack import Stack
from tests.waiting import wait_until


def test_hub_dies_between_commit_and_reply(stack: Stack) -> None:
    hub = stack.hub().start(env={CRASH_AT: "hub_after_commit:1"})
    assert hub.process is not None
    kiosk = stack.kiosk(scans=5).start()

    # The first request is committed, then the hub dies before replying.
    assert hub.process.wait_exit(60) == -signal.SIGKILL
    assert hub.count("check_ins") == 1
    assert kiosk.outbox()[1] == 0

    hub.start()  # restarted without the crash point
    wait_until(lambda: kiosk.outbox() == (5, 5), 60, "all five answered")
    counts = tally([kiosk.outbox_path], hub.database_url)
    assert (counts.stored, counts.duplicates, counts.lost) == (5, 0, 0)
    # The resent first request (log lines reach the file within half a second).
    wait_until(lambda: "request_duplicate" in hub.process.log(), 10, "duplicate logged")


def test_kiosk_dies_between_outbox_write_and_publish(stack: Stack) -> None:
    hub = stack.hub().start()
    kiosk = stack.kiosk(scans=5).start(env={CRASH_AT: "kiosk_after_outbox_write:3"})
    assert kiosk.process is not None

    # The third scan is on disk, then the kiosk dies before publishing it.
    assert kiosk.process.wait_exit(60) == -signal.SIGKILL
    assert kiosk.outbox()[0] == 3
    assert hub.count("check_ins") <= 2  # the third never left the kiosk

    kiosk.process.start()  # power back: the rest of the scans, and the replay
    wait_until(lambda: kiosk.outbox() == (5, 5), 60, "all five answered")
    counts = tally([kiosk.outbox_path], hub.database_url)
    assert (counts.scans, counts.stored, counts.duplicates, counts.lost) == (5, 5, 0, 0)
