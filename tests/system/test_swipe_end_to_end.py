"""A swipe travels kiosk -> broker -> hub -> database -> kiosk, through real processes."""

from __future__ import annotations

from lianxin.broker import BrokerProcess
from lianxin.tally import read_outbox, tally
from tests.system.stack import Stack
from tests.waiting import wait_until

SCANS = 40


def test_every_scan_is_stored_once_and_answered_once(stack: Stack) -> None:
    hub = stack.hub().start()
    kiosk = stack.kiosk(scans=SCANS).start()

    wait_until(lambda: kiosk.outbox() == (SCANS, SCANS), 60, "all scans answered")

    counts = tally([kiosk.outbox_path], hub.database_url)
    assert counts.as_dict() == {
        "scans": SCANS,
        "acked": SCANS,
        "stored": SCANS,
        "duplicates": 0,
        "lost": 0,
    }
    assert hub.count("inbox") == SCANS
    assert f'lianxin_hub_requests_total{{outcome="stored"}} {SCANS}' in hub.metrics()


def test_broker_killed_mid_run_loses_nothing(stack: Stack, broker: BrokerProcess) -> None:
    hub = stack.hub().start()
    kiosk = stack.kiosk(scans=SCANS * 2, interval_s=0.05).start()
    wait_until(lambda: kiosk.outbox()[1] >= 10, 60, "some scans answered")

    broker.stop(kill=True)
    # Scans keep landing in the outbox while the broker is gone.
    written_while_down = kiosk.outbox()[0]
    wait_until(lambda: kiosk.outbox()[0] > written_while_down + 5, 30, "scans while offline")
    broker.start()

    wait_until(lambda: kiosk.outbox() == (SCANS * 2, SCANS * 2), 90, "drained after restart")
    counts = tally([kiosk.outbox_path], hub.database_url)
    assert (counts.stored, counts.duplicates, counts.lost) == (SCANS * 2, 0, 0)


def test_every_stored_request_can_be_found_in_the_hub_log_by_its_id(stack: Stack) -> None:
    # The hub is away while the kiosk queues, so its replay arrives as one
    # big batch, which the hub logs as one summary line (hub.worker.AnsweredLog).
    hub = stack.hub(shared_subscription=False).start()
    assert hub.process is not None
    hub.process.terminate()
    kiosk = stack.kiosk(scans=SCANS, interval_s=0.01).start()
    wait_until(lambda: kiosk.outbox()[0] == SCANS, 60, "the scans queued")

    process = hub.start().process
    assert process is not None
    wait_until(lambda: kiosk.outbox() == (SCANS, SCANS), 60, "all scans answered")

    ids = [row[0] for row in read_outbox(kiosk.outbox_path, "SELECT request_id FROM outbox")]
    assert len(set(ids)) == SCANS
    # Log lines reach the file within half a second (config/logs.py).
    wait_until(
        lambda: all(request_id in process.log() for request_id in ids),
        10,
        "every request id in the hub's log",
    )
