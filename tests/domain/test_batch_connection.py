"""The inbox's batches run on one connection held between them, and survive losing it.

Holding the connection spares a lone swipe the pool's checkout and a new
session (hub/inbox.py, ``_BatchSession``). What must not change: each
request is stored once, and a connection the database server ended is
replaced, not used again, with nothing lost or doubled.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from hub.db import session_factory
from hub.inbox import Accepted, Inbox
from hub.models import CheckIn, InboxEntry, SyncEvent
from protocol.codec import decode_request
from protocol.messages import CheckInRequest
from tests.domain.harness import Domain
from tests.system import envelopes


def _check_ins(count: int, first: int) -> list[CheckInRequest]:
    requests = []
    for n in range(first, first + count):
        topic, payload, _ = envelopes.check_in(card=f"{n:010X}", seq=n)
        request = decode_request(topic, payload)
        assert isinstance(request, CheckInRequest)
        requests.append(request)
    return requests


def _stored(engine: Engine) -> tuple[int, int, int]:
    with session_factory(engine)() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (InboxEntry, CheckIn, SyncEvent)
        )


def test_batches_share_one_held_connection_until_the_inbox_closes(engine: Engine) -> None:
    inbox = Inbox(session_factory(engine))
    pool = engine.pool

    inbox.accept_batch(_check_ins(3, first=1))
    held_after_first = pool.checkedout()  # type: ignore[attr-defined]
    inbox.accept_batch(_check_ins(3, first=4))

    assert held_after_first == pool.checkedout() == 1  # type: ignore[attr-defined]
    assert _stored(engine) == (6, 6, 6)  # each batch committed, seen from another connection
    inbox.close()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_batch_after_the_server_ended_the_connection_is_stored_once(
    empty_postgres_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    domain = Domain.create(tmp_path, empty_postgres_url)
    engine = domain.engine
    try:
        inbox = Inbox(session_factory(engine))
        inbox.accept_batch(_check_ins(5, first=1))
        with engine.connect() as admin:
            ended = admin.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert ended >= 1  # at least the batches' own connection

        after_loss = inbox.accept_batch(_check_ins(5, first=6))
        next_batch = inbox.accept_batch(_check_ins(5, first=11))

        # The held connection was the one lost: that batch failed and was retried.
        failed = [r for r in caplog.records if getattr(r, "event", "") == "batch_failed"]
        assert len(failed) == 1
        assert all(isinstance(answer, Accepted) for answer in after_loss + next_batch)
        assert not any(
            answer.duplicate for answer in after_loss + next_batch if isinstance(answer, Accepted)
        )
        assert _stored(engine) == (15, 15, 15)
        inbox.close()
    finally:
        engine.dispose()
