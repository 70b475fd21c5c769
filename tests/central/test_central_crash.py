"""Central dies in the middle of a batch; afterwards it holds exactly the hub's records."""

from __future__ import annotations

from collections import Counter

from tests.central.stack import Central, CentralHub
from tests.system.stack import Kiosk, Stack
from tests.waiting import wait_until

SCANS = 120


def test_central_killed_mid_batch_holds_exactly_the_hubs_records(
    stack: Stack, central: Central, central_hub: CentralHub
) -> None:
    # The 3rd batch is committed at central, which then dies (SIGKILL) before
    # answering: the hub never learns that batch arrived and must resend it.
    central.start(env={"LIANXIN_CRASH_AT": "central_after_commit:3"})
    central_hub.batch_size = 10
    central_hub.start()
    kiosks = [
        stack.kiosk("k1", scans=SCANS, interval_s=0.01, seed=1).start(),
        stack.kiosk("k2", station="st02", scans=SCANS, interval_s=0.01, seed=2).start(),
    ]
    assert central.process is not None
    process = central.process
    wait_until(lambda: not process.alive, 60, "central died at its crash point")
    stored = set(central.event_ids())
    unsent = {
        str(row[0])
        for row in central_hub.rows("SELECT event_id FROM sync_outbox WHERE sent_at IS NULL")
    }
    assert stored & unsent, "the last batch is stored at central but unanswered at the hub"
    stored_before_restart = len(stored)

    central.start()
    # A second, plain SIGKILL while the hub is still pushing.
    wait_until(lambda: len(central.event_ids()) > stored_before_restart, 60, "pushing again")
    assert central.process is not None
    central.process.kill()
    central.start()

    wait_until(lambda: _all_answered(kiosks), 120, "kiosks' scans all answered")
    wait_until(lambda: central_hub.outbox_waiting() == 0, 120, "hub outbox drained")
    hub_ids = central_hub.outbox_ids()
    central_ids = central.event_ids()
    assert len(hub_ids) == 2 * SCANS
    assert len(central_ids) == len(hub_ids)
    assert Counter(central_ids) == Counter(hub_ids)
    parked = "SELECT COUNT(*) FROM sync_outbox WHERE parked_reason IS NOT NULL"
    assert central_hub.rows(parked) == [(0,)]
    # The resent batch was recognised, not stored again.
    assert (central_hub.metric('lianxin_sync_pushed_total{result="duplicate"}') or 0) >= 1


def _all_answered(kiosks: list[Kiosk]) -> bool:
    return all(kiosk.outbox() == (SCANS, SCANS) for kiosk in kiosks)
