"""A long central outage: kiosks keep working, the hub's outbox grows, then drains once."""

from __future__ import annotations

from collections import Counter

from tests.central.stack import Central, CentralHub
from tests.system.stack import Kiosk, Stack
from tests.waiting import wait_until

SCANS_PER_KIOSK = 150  # a day's check-ins at a busy station, compressed


def test_central_down_for_a_day_everything_arrives_exactly_once_after(
    stack: Stack, central: Central, central_hub: CentralHub
) -> None:
    central.start()
    central_hub.start()
    warmup = stack.kiosk("k0", scans=5, interval_s=0.01, seed=9).start()
    wait_until(lambda: len(central.event_ids()) == 5, 60, "first check-ins reach central")

    assert central.process is not None
    central.process.terminate()  # central is gone for the "day"
    kiosks = [
        stack.kiosk(f"k{n}", station=f"st0{n}", scans=SCANS_PER_KIOSK, interval_s=0.002, seed=n)
        for n in (1, 2)
    ]
    for kiosk in kiosks:
        kiosk.start()

    # Kiosks are answered by the hub as usual: the outage is invisible to them.
    wait_until(lambda: _all_answered(kiosks), 120, "every scan answered while central is down")
    total = 5 + 2 * SCANS_PER_KIOSK
    assert central_hub.outbox_waiting() == 2 * SCANS_PER_KIOSK
    wait_until(
        lambda: central_hub.metric("lianxin_sync_waiting_items") == 2 * SCANS_PER_KIOSK,
        30,
        "the backlog on /metrics",
    )
    assert (central_hub.metric("lianxin_sync_oldest_waiting_age_seconds") or 0) > 0
    assert (central_hub.metric('lianxin_sync_failures_total{call="push"}') or 0) >= 1

    central.start()
    wait_until(lambda: central_hub.outbox_waiting() == 0, 120, "outbox drained")
    assert Counter(central.event_ids()) == Counter(central_hub.outbox_ids())
    assert len(central.event_ids()) == total
    wait_until(
        lambda: central_hub.metric("lianxin_sync_waiting_items") == 0, 30, "metrics caught up"
    )
    assert central_hub.metric("lianxin_sync_parked_items") == 0
    assert (central_hub.metric("lianxin_sync_last_success_unixtime") or 0) > 0
    assert warmup.outbox() == (5, 5)


def _all_answered(kiosks: list[Kiosk]) -> bool:
    return all(kiosk.outbox() == (SCANS_PER_KIOSK, SCANS_PER_KIOSK) for kiosk in kiosks)
