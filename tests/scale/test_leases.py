"""The lease that picks one worker for each once-only job, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from config.metrics import Metrics
from hub.db import make_engine, migrate
from hub.leases import Lease, SingletonRunner
from tests.waiting import wait_until


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hub.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = make_engine(url)
    migrate(made)
    with made.begin() as connection:
        connection.execute(text("DELETE FROM hub_leases"))
    yield made
    made.dispose()


def test_two_holders_contend_and_only_one_gets_the_lease(engine: Engine) -> None:
    first = Lease(engine, "sync", "worker-a", ttl_s=60)
    second = Lease(engine, "sync", "worker-b", ttl_s=60)
    grant = first.acquire()
    assert grant is not None and grant.term == 1
    assert second.acquire() is None
    assert first.current_holder() == "worker-a"


def test_renewal_keeps_the_lease_and_its_term(engine: Engine) -> None:
    holder = Lease(engine, "retention", "worker-a", ttl_s=60)
    other = Lease(engine, "retention", "worker-b", ttl_s=60)
    first = holder.acquire()
    renewed = holder.acquire()
    assert first is not None and renewed is not None
    assert renewed.term == first.term
    assert renewed.valid_until >= first.valid_until
    assert other.acquire() is None


def test_an_expired_lease_is_taken_over_with_a_new_term(engine: Engine) -> None:
    dead = Lease(engine, "no_show", "worker-a")
    survivor = Lease(engine, "no_show", "worker-b")
    taken = dead.acquire(ttl_s=0.2)  # then it stops renewing, as a killed worker would
    assert taken is not None
    takeover = wait_until(survivor.acquire, 10, "the survivor takes the expired lease")
    assert takeover is not None
    assert takeover.term == taken.term + 1
    assert survivor.current_holder() == "worker-b"
    assert dead.acquire() is None  # the old holder cannot come back while it is held


def test_release_hands_the_lease_over_at_once(engine: Engine) -> None:
    leaving = Lease(engine, "reference", "worker-a", ttl_s=60)
    staying = Lease(engine, "reference", "worker-b", ttl_s=60)
    assert leaving.acquire() is not None
    leaving.release()
    assert leaving.current_holder() is None
    assert staying.acquire() is not None


def test_many_holders_racing_for_a_fresh_lease_give_it_to_one(engine: Engine) -> None:
    contenders = [Lease(engine, "race", f"worker-{n}", ttl_s=60) for n in range(8)]
    barrier = threading.Barrier(len(contenders))
    won: list[str] = []

    def contend(lease: Lease) -> None:
        barrier.wait()
        if lease.acquire() is not None:
            won.append(lease.holder)

    threads = [threading.Thread(target=contend, args=(lease,)) for lease in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    assert contenders[0].current_holder() == won[0]


class _Recorder:
    def __init__(self, log: list[str], name: str) -> None:
        self._log = log
        self._name = name

    def start(self) -> None:
        self._log.append(f"start {self._name}")

    def stop(self) -> None:
        self._log.append(f"stop {self._name}")


def test_runner_starts_the_job_on_gaining_and_stops_it_on_losing(engine: Engine) -> None:
    events: list[str] = []
    metrics = Metrics()
    mine = SingletonRunner(
        Lease(engine, "job", "worker-a", ttl_s=60), lambda: _Recorder(events, "a"), metrics
    )
    theirs = SingletonRunner(
        Lease(engine, "job", "worker-b", ttl_s=60), lambda: _Recorder(events, "b"), Metrics()
    )
    mine.step()
    theirs.step()
    assert (mine.held, theirs.held) == (True, False)
    assert 'lianxin_hub_singleton_held{job="job"} 1' in metrics.render()
    mine.stop()  # a clean stop releases the lease ...
    theirs.step()  # ... so the other worker takes it on its next round
    assert (mine.held, theirs.held) == (False, True)
    assert events == ["start a", "stop a", "start b"]
    assert 'lianxin_hub_singleton_held{job="job"} 0' in metrics.render()
    # Someone else taking the lease (here: after it was released) stops the job.
    Lease(engine, "job", "worker-b").release()
    Lease(engine, "job", "worker-c", ttl_s=60).acquire()
    theirs.step()
    assert not theirs.held
    assert events[-1] == "stop b"
