"""Two hub workers pushing from one PostgreSQL outbox never send the same record twice at once."""

from __future__ import annotations

import json
import secrets
import threading
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from hub.db import make_engine, migrate, session_factory
from sync.pusher import PUSHERS_ON_POSTGRESQL, Pusher, PushReport, pushers_for
from sync.wire import ItemOutcome
from tests.sync.test_pusher import accept_all, add_records, states

ADMIN = "postgresql://postgres@127.0.0.1:5432/test"  # the machine's PostgreSQL (trust auth)


@pytest.fixture
def pg_sessions() -> Iterator[sessionmaker[Session]]:
    name = f"lianxin_sync_test_{secrets.token_hex(4)}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    try:
        migrate(engine)
        yield session_factory(engine)
    finally:
        engine.dispose()
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_concurrent_pushers_take_disjoint_batches(pg_sessions: sessionmaker[Session]) -> None:
    ids = add_records(pg_sessions, 40)
    sent: list[str] = []
    lock = threading.Lock()
    # Both workers must be inside an HTTP call at the same moment, each holding
    # its batch's row locks: without SKIP LOCKED the second would block on the
    # first one's rows and never reach the barrier.
    both_in_flight = threading.Barrier(2, timeout=20)
    first_call = threading.local()

    def central(items_json: list[str]) -> list[ItemOutcome]:
        items = [json.loads(item) for item in items_json]
        if not getattr(first_call, "done", False):
            first_call.done = True
            both_in_flight.wait()
        with lock:
            sent.extend(item["event_id"] for item in items)
        return accept_all(items)

    errors: list[BaseException] = []

    def run() -> None:
        pusher = Pusher(pg_sessions, central, Metrics(), batch_size=5)
        try:
            while True:
                report = pusher.push_once()
                assert isinstance(report, PushReport), report
                if report.sent == 0:
                    return
        except BaseException as exc:  # re-raised in the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Counter(sent) == Counter(ids)  # every record once, none twice
    assert all(done for done, _, _ in states(pg_sessions).values())


def test_several_pushers_on_postgresql_one_on_sqlite(
    pg_sessions: sessionmaker[Session], hub_sessions: sessionmaker[Session]
) -> None:
    assert pushers_for(pg_sessions) == PUSHERS_ON_POSTGRESQL > 1
    assert pushers_for(hub_sessions) == 1
