"""Three hub workers on one broker and one PostgreSQL; the lease holder dies mid-load.

Real Mosquitto (shared subscription), real PostgreSQL, three ``lianxin
hub`` processes with the same hub_id, headless kiosks making check-ins and
a crowd contending for booking slots. The worker running the no-show
release (and whatever other once-only jobs it holds) is killed with
SIGKILL while requests are in flight. Afterwards the databases must show
nothing lost, nothing doubled, one booking per slot, and every once-only
job running again on exactly one surviving worker.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

from hub.app import migrate_one_at_a_time
from hub.db import make_engine
from lianxin.broker import BrokerProcess
from lianxin.tally import tally
from tests.domain.hubs import HubWorker, scalar
from tests.scale.crowd import BookingCrowd
from tests.system.stack import Kiosk
from tests.waiting import wait_until

SINGLETONS = {"retention", "reference", "no_show"}
KIOSKS = 4
SCANS = 150
SLOTS = [("st01-hall", 10), ("st01-activity", 10)]
PER_SLOT = 15


def _health(worker: HubWorker) -> dict[str, object]:
    url = f"http://127.0.0.1:{worker.http_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return dict(json.load(answer))
    except OSError:
        return {}


def _held(worker: HubWorker) -> set[str]:
    held = _health(worker).get("singletons", [])
    return set(held) if isinstance(held, list) else set()


def _holders(workers: list[HubWorker]) -> dict[str, HubWorker] | None:
    """Each once-only job's holder, once each job has exactly one among ``workers``.

    Every job has a lease of its own, so the jobs may be spread over several
    workers: which worker takes an expired lease is whichever asks first.
    """
    holdings = [(worker, _held(worker)) for worker in workers]
    found = {}
    for job in SINGLETONS:
        holding = [worker for worker, held in holdings if job in held]
        if len(holding) != 1:
            return None
        found[job] = holding[0]
    return found


def _fresh_database(url: str) -> None:
    engine = make_engine(url)
    migrate_one_at_a_time(engine)
    with engine.begin() as connection:
        # Leases the unit tests left behind in this session's database.
        connection.execute(text("DELETE FROM hub_leases"))
    engine.dispose()


def test_killing_the_lease_holder_loses_nothing_and_moves_the_singletons(
    tmp_path: Path, broker: BrokerProcess, postgres_url: str
) -> None:
    _fresh_database(postgres_url)
    workers = [
        HubWorker(tmp_path / f"worker-{n}", broker.info, postgres_url, hub_id="hub-1").start()
        for n in (1, 2, 3)
    ]
    kiosks = [
        Kiosk(
            tmp_path / f"kiosk-{n}",
            broker.info,
            station=f"st0{n % 2 + 1}",
            kiosk=f"k{n}",
            scans=SCANS,
            interval_s=0.04,
            seed=n,
        )
        for n in range(1, KIOSKS + 1)
    ]
    crowd = BookingCrowd(broker.info, SLOTS, PER_SLOT)
    try:
        holders = wait_until(lambda: _holders(workers), 60, "each once-only job held once")
        assert holders is not None
        holder = holders["no_show"]
        moving = sorted(job for job, worker in holders.items() if worker is holder)
        survivors = [worker for worker in workers if worker is not holder]
        for kiosk in kiosks:
            kiosk.start()
        wait_until(
            lambda: scalar(postgres_url, "SELECT COUNT(*) FROM check_ins") >= KIOSKS * SCANS // 4,
            60,
            "a quarter of the check-ins stored",
        )
        crowd.send_unanswered()
        holder.stop()  # SIGKILL, with check-ins and bookings in flight

        taken_over = wait_until(
            lambda: _holders(survivors), 60, "surviving workers take over every once-only job"
        )
        assert taken_over is not None
        for job in moving:
            log = taken_over[job].directory / "hub.log"  # INFO lines reach it within half a second
            wait_until(
                lambda log=log, job=job: f"lease {job} taken" in log.read_text("utf-8"),
                10,
                f"{job}'s new lease logged",
            )

        wait_until(crowd.all_answered, 120, "every booking request answered")
        wait_until(
            lambda: all(kiosk.outbox() == (SCANS, SCANS) for kiosk in kiosks),
            180,
            "every kiosk's scans made and answered",
        )
        handled = [worker.handled() for worker in survivors]
    finally:
        crowd.close()
        for kiosk in kiosks:
            if kiosk.process is not None:
                kiosk.process.kill()
        for worker in workers:
            worker.stop()

    counts = tally([kiosk.outbox_path for kiosk in kiosks], postgres_url)
    assert counts.scans == KIOSKS * SCANS
    assert (counts.lost, counts.duplicates) == (0, 0), counts
    assert counts.stored == counts.scans
    assert all(count > 0 for count in handled), f"requests per surviving worker: {handled}"

    outcomes = Counter(str(reply["code"]) for reply in crowd.replies.values())
    assert outcomes["booked"] == len(SLOTS), outcomes
    assert outcomes["slot_taken"] == len(SLOTS) * (PER_SLOT - 1), outcomes
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            per_room = connection.execute(
                text("SELECT room_id, COUNT(*) FROM bookings GROUP BY room_id")
            ).all()
    finally:
        engine.dispose()
    assert dict(per_room) == {room: 1 for room, _hour in SLOTS}
