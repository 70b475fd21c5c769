"""The pusher's batching, per-item results, parking and restarts, against a fake central."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from hub.models import SyncEvent
from sync.client import CallFailure
from sync.outbox import backlog
from sync.pusher import Pusher, PushReport
from sync.wire import ItemOutcome

Answer = Callable[[list[dict[str, Any]]], list[ItemOutcome] | CallFailure]


class FakeCentral:
    """Records each batch and answers with ``answer`` (all accepted by default)."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.batches: list[list[str]] = []
        self.answer = answer or accept_all

    def push(self, items_json: list[str]) -> list[ItemOutcome] | CallFailure:
        items = [json.loads(item) for item in items_json]
        self.batches.append([item["event_id"] for item in items])
        return self.answer(items)


def accept_all(items: list[dict[str, Any]]) -> list[ItemOutcome]:
    return [
        ItemOutcome(index=n, event_id=item["event_id"], status="accepted")
        for n, item in enumerate(items)
    ]


def add_records(sessions: sessionmaker[Session], count: int, start: int = 0) -> list[str]:
    ids = [f"00000000-0000-7000-8000-{n:012d}" for n in range(start, start + count)]
    created = datetime(2026, 11, 29, tzinfo=UTC)
    with sessions.begin() as session:
        for n, event_id in enumerate(ids):
            session.add(
                SyncEvent(
                    event_id=event_id,
                    kind="check_in",
                    station="st01",
                    payload_json=json.dumps({"event_id": event_id, "body": {}}),
                    created_at=created + timedelta(seconds=n),
                    attempts=0,
                )
            )
    return ids


def states(sessions: sessionmaker[Session]) -> dict[str, tuple[bool, str | None, int]]:
    with sessions() as session:
        rows = session.scalars(select(SyncEvent)).all()
        return {r.event_id: (r.sent_at is not None, r.parked_reason, r.attempts) for r in rows}


def pusher(sessions: sessionmaker[Session], central: FakeCentral, batch_size: int = 3) -> Pusher:
    return Pusher(sessions, central.push, Metrics(), batch_size)


def test_batches_take_the_oldest_waiting_records_up_to_the_batch_size(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 7)
    central = FakeCentral()
    push = pusher(hub_sessions, central)

    reports = [push.push_once() for _ in range(4)]

    assert central.batches == [ids[0:3], ids[3:6], ids[6:7]]
    assert reports[0] == PushReport(sent=3, full=True)
    assert reports[2] == PushReport(sent=1, full=False)
    assert reports[3] == PushReport()
    assert all(sent for sent, _, _ in states(hub_sessions).values())


def test_items_sent_as_json_objects_with_the_stored_payload(
    hub_sessions: sessionmaker[Session],
) -> None:
    (event_id,) = add_records(hub_sessions, 1)
    seen: list[dict[str, Any]] = []

    def capture(items: list[dict[str, Any]]) -> list[ItemOutcome]:
        seen.extend(items)
        return accept_all(items)

    pusher(hub_sessions, FakeCentral(capture)).push_once()
    assert seen == [
        {
            "event_id": event_id,
            "kind": "check_in",
            "station": "st01",
            "payload": {"event_id": event_id, "body": {}},
        }
    ]


def test_accepted_and_duplicate_are_sent_rejected_is_parked_with_its_reason(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 3)

    def mixed(items: list[dict[str, Any]]) -> list[ItemOutcome]:
        statuses = ["accepted", "duplicate", "rejected"]
        return [
            ItemOutcome(
                index=n,
                event_id=item["event_id"],
                status=statuses[n],  # type: ignore[arg-type]
                reason="payload.body: field required" if n == 2 else None,
            )
            for n, item in enumerate(items)
        ]

    metrics = Metrics()
    report = Pusher(hub_sessions, FakeCentral(mixed).push, metrics, 10).push_once()

    assert report == PushReport(sent=2, duplicates=1, parked=1)
    state = states(hub_sessions)
    assert state[ids[0]] == (True, None, 1)
    assert state[ids[1]] == (True, None, 1)
    assert state[ids[2]][0] is False
    assert state[ids[2]][1] == "central rejected it: payload.body: field required"
    assert metrics.value("lianxin_sync_pushed_total", result="accepted") == 1
    assert metrics.value("lianxin_sync_pushed_total", result="duplicate") == 1
    assert metrics.value("lianxin_sync_pushed_total", result="rejected") == 1


def test_parked_record_is_never_sent_again(hub_sessions: sessionmaker[Session]) -> None:
    ids = add_records(hub_sessions, 2)

    def reject_first(items: list[dict[str, Any]]) -> list[ItemOutcome]:
        answers = accept_all(items)
        if items[0]["event_id"] == ids[0]:
            answers[0] = ItemOutcome(index=0, event_id=ids[0], status="rejected", reason="bad")
        return answers

    central = FakeCentral(reject_first)
    push = pusher(hub_sessions, central)
    push.push_once()
    add_records(hub_sessions, 1, start=100)
    push.push_once()

    assert central.batches[1] == ["00000000-0000-7000-8000-000000000100"]
    with hub_sessions() as session:
        assert backlog(session).parked == 1
        assert backlog(session).waiting == 0


def test_no_answer_leaves_records_waiting_and_counts_the_attempt(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 2)
    down = CallFailure("POST /events: ConnectionError", retryable=True)
    central = FakeCentral(lambda _items: down)
    push = pusher(hub_sessions, central)

    assert push.push_once() == down
    assert push.push_once() == down

    assert central.batches == [ids, ids]
    assert states(hub_sessions) == {event_id: (False, None, 2) for event_id in ids}


def test_items_central_did_not_answer_stay_waiting(hub_sessions: sessionmaker[Session]) -> None:
    ids = add_records(hub_sessions, 3)
    report = pusher(hub_sessions, FakeCentral(lambda items: accept_all(items)[:1])).push_once()

    assert report == PushReport(sent=1, unanswered=2, full=True)
    state = states(hub_sessions)
    assert [state[i][0] for i in ids] == [True, False, False]


def test_answer_for_another_event_id_is_not_taken_as_this_ones(
    hub_sessions: sessionmaker[Session],
) -> None:
    (event_id,) = add_records(hub_sessions, 1)

    def confused(_items: list[dict[str, Any]]) -> list[ItemOutcome]:
        return [ItemOutcome(index=0, event_id="someone-else", status="accepted")]

    pusher(hub_sessions, FakeCentral(confused)).push_once()
    assert states(hub_sessions)[event_id] == (False, None, 1)


def test_batch_refused_as_malformed_is_split_until_the_bad_record_is_parked(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 4)
    poison = ids[2]

    def refuse_poison(items: list[dict[str, Any]]) -> list[ItemOutcome] | CallFailure:
        if any(item["event_id"] == poison for item in items):
            return CallFailure("POST /events: 422 body too strange", retryable=False, status=422)
        return accept_all(items)

    central = FakeCentral(refuse_poison)
    push = pusher(hub_sessions, central, batch_size=4)
    for _ in range(6):
        push.push_once()

    assert central.batches[:5] == [ids, ids[:2], ids[2:], [ids[2]], [ids[3]]]
    state = states(hub_sessions)
    assert state[poison][1] is not None and "422" in state[poison][1]
    assert [state[i][0] for i in ids] == [True, True, False, True]


def test_stored_payload_that_is_not_json_is_parked_and_the_rest_sent(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 4)
    with hub_sessions.begin() as session:
        session.execute(
            update(SyncEvent).where(SyncEvent.event_id == ids[1]).values(payload_json="{broken")
        )
    sent: list[str] = []

    def central(items_json: list[str]) -> list[ItemOutcome] | CallFailure:
        # What central does with the body the client builds from these items.
        try:
            items = json.loads('{"items":[' + ",".join(items_json) + "]}")["items"]
        except ValueError:
            return CallFailure("POST /events: 422 JSON decode error", retryable=False, status=422)
        sent.extend(item["event_id"] for item in items)
        return accept_all(items)

    push = Pusher(hub_sessions, central, Metrics(), batch_size=4)
    for _ in range(10):  # halving the batch down to the broken record takes a few calls
        push.push_once()

    state = states(hub_sessions)
    assert sorted(sent) == [ids[0], ids[2], ids[3]]
    assert state[ids[1]][:2] == (False, "central refused it: POST /events: 422 JSON decode error")
    assert all(state[i][0] for i in (ids[0], ids[2], ids[3]))


def test_auth_failure_parks_nothing(hub_sessions: sessionmaker[Session]) -> None:
    (event_id,) = add_records(hub_sessions, 1)
    refused = CallFailure("POST /events: 401 unknown token", retryable=False, status=401)
    push = pusher(hub_sessions, FakeCentral(lambda _items: refused))
    for _ in range(3):
        assert push.push_once() == refused
    assert states(hub_sessions)[event_id] == (False, None, 3)


def test_a_new_pusher_resumes_with_what_is_still_waiting(
    hub_sessions: sessionmaker[Session],
) -> None:
    ids = add_records(hub_sessions, 5)
    pusher(hub_sessions, FakeCentral(), batch_size=2).push_once()  # then the hub "restarts"

    central = FakeCentral()
    restarted = pusher(hub_sessions, central, batch_size=10)
    restarted.push_once()

    assert central.batches == [ids[2:]]


def test_backlog_counts_waiting_parked_and_the_oldest_age(
    hub_sessions: sessionmaker[Session],
) -> None:
    add_records(hub_sessions, 3)
    with hub_sessions.begin() as session:
        first = session.scalars(select(SyncEvent).order_by(SyncEvent.id)).first()
        assert first is not None
        first.parked_reason = "bad"
    now = datetime(2026, 11, 29, 0, 1, tzinfo=UTC)
    with hub_sessions() as session:
        counted = backlog(session, now)
    assert (counted.waiting, counted.parked) == (2, 1)
    assert counted.oldest_waiting_age_s == 59.0
