"""The hub's inbox: one effect per request id, whatever arrives how often."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hub.db import make_engine, migrate, session_factory
from hub.inbox import TRANSIENT_ATTEMPTS, Accepted, Failed, Inbox
from hub.models import CheckIn, InboxEntry
from protocol.codec import decode_request
from protocol.messages import CheckInRequest, Request
from tests.system import envelopes


def _inbox(tmp_path: Path) -> tuple[Inbox, object]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    return Inbox(session_factory(engine)), engine


def _request(**kwargs: str) -> CheckInRequest:
    topic, payload, _ = envelopes.check_in(**kwargs)  # type: ignore[arg-type]
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest)
    return request


def _count(engine: object, model: type) -> int:
    sessions = session_factory(engine)  # type: ignore[arg-type]
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_concurrent_copies_of_one_request_store_one_check_in(tmp_path: Path) -> None:
    inbox, engine = _inbox(tmp_path)
    request = _request()
    results = []
    start = threading.Barrier(8)

    def accept() -> None:
        start.wait()
        results.append(inbox.accept(request))

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result.duplicate for result in results) == [False] + [True] * 7
    assert {result.reply.result["check_in_id"] for result in results} == {1}
    assert _count(engine, CheckIn) == 1 and _count(engine, InboxEntry) == 1


def test_visits_this_year_counts_the_same_card(tmp_path: Path) -> None:
    inbox, _ = _inbox(tmp_path)
    replies = [inbox.accept(_request(card="0A0B0C0D0E")).reply for _ in range(3)]
    assert [reply.result["visits_this_year"] for reply in replies] == [1, 2, 3]


def test_request_id_reused_by_another_kiosk_is_refused_without_leaking(tmp_path: Path) -> None:
    inbox, engine = _inbox(tmp_path)
    original = _request()
    inbox.accept(original)
    impostor = _request(kiosk="k9", request_id=original.id)

    answer = inbox.accept(impostor)
    assert (answer.reply.status, answer.reply.code) == ("error", "id_conflict")
    assert answer.reply.kiosk == "k9" and answer.reply.result == {}
    assert _count(engine, CheckIn) == 1


def test_an_unknown_service_is_rejected_plainly(tmp_path: Path) -> None:

    inbox, engine = _inbox(tmp_path)
    topic, payload, _ = envelopes.check_in()
    obj = json.loads(payload)
    obj["type"] = "service_request"
    obj["body"] = {"credential": obj["body"]["credential"], "service_id": "S01"}
    request = decode_request(topic.replace("check_in", "service_request"), json.dumps(obj).encode())
    assert not isinstance(request, CheckInRequest)
    answer = inbox.accept(request)  # type: ignore[arg-type]
    assert (answer.reply.status, answer.reply.code) == ("rejected", "not_available")
    assert _count(engine, CheckIn) == 0


def test_stored_request_and_its_sync_event_commit_together(tmp_path: Path) -> None:
    from hub.models import SyncEvent  # noqa: PLC0415

    inbox, engine = _inbox(tmp_path)
    request = _request()
    inbox.accept(request)
    inbox.accept(request)  # a duplicate adds no second event
    sessions = session_factory(engine)  # type: ignore[arg-type]
    with sessions() as session:
        events = session.scalars(select(SyncEvent)).all()
    assert [(event.event_id, event.kind) for event in events] == [(request.id, "check_in")]
    assert json.loads(events[0].payload_json)["result"]["visits_this_year"] == 1


def test_times_with_an_offset_are_stored_as_the_same_instant(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone  # noqa: PLC0415

    inbox, engine = _inbox(tmp_path)
    topic, payload, _ = envelopes.check_in()
    obj = json.loads(payload)
    shanghai = timezone(timedelta(hours=8))
    sent = datetime(2026, 11, 29, 12, 0, tzinfo=shanghai)
    obj["kiosk_time"] = obj["body"]["read_at"] = sent.isoformat()
    request = decode_request(topic, json.dumps(obj).encode())
    assert isinstance(request, CheckInRequest)
    inbox.accept(request)

    sessions = session_factory(engine)  # type: ignore[arg-type]
    with sessions() as session:
        entry = session.get(InboxEntry, request.id)
        check_in = session.scalars(select(CheckIn)).one()
    assert entry is not None
    assert entry.kiosk_time == sent and check_in.read_at == sent  # same instant
    assert entry.kiosk_time.utcoffset() == timedelta(0)  # read back as UTC


class _AbortedFirst(Inbox):
    """An inbox whose first ``aborts`` transactions the database aborts with ``error``."""

    def __init__(self, inbox: Inbox, error: Exception, aborts: int) -> None:
        super().__init__(inbox._sessions)
        self.error, self.aborts, self.calls = error, aborts, 0

    def accept(self, request: Request) -> Accepted:
        self.calls += 1
        if self.calls <= self.aborts:
            raise self.error
        return super().accept(request)


def _aborted(sqlstate_error: Exception) -> OperationalError:
    return OperationalError("INSERT INTO bookings …", {}, sqlstate_error)


def test_a_transaction_aborted_by_a_deadlock_runs_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, engine = _inbox(tmp_path)
    caplog.set_level("INFO")
    aborted = _AbortedFirst(inbox, _aborted(psycopg.errors.DeadlockDetected("deadlock")), 2)
    answer = aborted._accept_alone(_request())
    assert isinstance(answer, Accepted) and answer.reply.code == "checked_in"
    assert aborted.calls == 3
    assert _count(engine, CheckIn) == 1
    retried = [r for r in caplog.records if getattr(r, "event", "") == "transaction_retried"]
    assert len(retried) == 2 and "40P01" in retried[0].getMessage()


def test_a_request_aborted_every_time_fails_after_the_last_attempt(tmp_path: Path) -> None:
    inbox, engine = _inbox(tmp_path)
    error = _aborted(psycopg.errors.SerializationFailure("could not serialize"))
    aborted = _AbortedFirst(inbox, error, aborts=100)
    answer = aborted._accept_alone(_request())
    assert isinstance(answer, Failed) and answer.error is error
    assert aborted.calls == TRANSIENT_ATTEMPTS
    assert _count(engine, InboxEntry) == 0


def test_any_other_error_fails_at_once(tmp_path: Path) -> None:
    inbox, _ = _inbox(tmp_path)
    error = _aborted(psycopg.errors.UndefinedTable("no such table"))
    aborted = _AbortedFirst(inbox, error, aborts=100)
    answer = aborted._accept_alone(_request())
    assert isinstance(answer, Failed) and aborted.calls == 1
