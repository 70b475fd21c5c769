"""Group commit: many requests, one transaction, the same once-only effect as one by one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

import hub.inbox
from hub.db import make_engine, migrate, session_factory
from hub.inbox import Accepted, Failed, Inbox
from hub.inbox import answer as real_answer
from hub.models import CheckIn, InboxEntry, SyncEvent
from protocol.codec import decode_request
from protocol.messages import CheckInRequest, Request
from tests.system import envelopes


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    return engine


def _request(card: str = "3C00CE754C", **kwargs: str) -> CheckInRequest:
    topic, payload, _ = envelopes.check_in(card=card, **kwargs)  # type: ignore[arg-type]
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest)
    return request


def _count(engine: Engine, model: type) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _accepted(answers: list[Accepted | Failed]) -> list[Accepted]:
    assert all(isinstance(answer, Accepted) for answer in answers), answers
    return [answer for answer in answers if isinstance(answer, Accepted)]


def test_batch_answers_in_request_order_and_stores_each_once(engine: Engine) -> None:
    requests = [_request(card=f"00000000{n:02X}") for n in range(5)]
    answers = _accepted(Inbox(session_factory(engine)).accept_batch(requests))

    assert [answer.reply.request_id for answer in answers] == [r.id for r in requests]
    assert [answer.reply.result["check_in_id"] for answer in answers] == [1, 2, 3, 4, 5]
    assert not any(answer.duplicate for answer in answers)
    assert _count(engine, InboxEntry) == _count(engine, CheckIn) == _count(engine, SyncEvent) == 5


def test_batch_is_one_commit(engine: Engine) -> None:
    commits: list[object] = []
    event.listen(engine, "commit", commits.append)
    Inbox(session_factory(engine)).accept_batch(
        [_request(card=f"0000000{n:03X}") for n in range(50)]
    )
    assert len(commits) == 1


def test_copies_inside_one_batch_store_once_and_the_copy_is_a_duplicate(engine: Engine) -> None:
    first, second = _request(), _request(card="0A0B0C0D0E")
    answers = _accepted(Inbox(session_factory(engine)).accept_batch([first, second, first]))

    assert [answer.duplicate for answer in answers] == [False, False, True]
    assert answers[2].reply.request_id == first.id
    assert answers[2].reply.result == answers[0].reply.result
    assert _count(engine, CheckIn) == 2 and _count(engine, SyncEvent) == 2


def test_visits_this_year_count_within_one_batch(engine: Engine) -> None:
    answers = _accepted(
        Inbox(session_factory(engine)).accept_batch([_request(card="0A0B0C0D0E") for _ in range(3)])
    )
    assert [answer.reply.result["visits_this_year"] for answer in answers] == [1, 2, 3]


def test_request_already_stored_gets_its_stored_reply(engine: Engine) -> None:
    inbox = Inbox(session_factory(engine))
    stored = inbox.accept(_request())
    retry = stored.reply.model_copy()
    request = _request(request_id=retry.request_id or "")
    answers = _accepted(inbox.accept_batch([request, _request(card="0A0B0C0D0E")]))

    assert answers[0].duplicate and answers[0].reply.result == stored.reply.result
    assert not answers[1].duplicate
    assert _count(engine, CheckIn) == 2


def test_twin_committed_by_another_worker_is_answered_from_the_store(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(session_factory(engine))
    twin = _request()
    inbox.accept(twin)  # "another worker" committed it...
    # ...after this batch looked for stored ids: its claim hits the primary key.
    monkeypatch.setattr(hub.inbox, "_stored_rows", lambda _session, _ids: {})
    other = _request(card="0A0B0C0D0E")
    answers = _accepted(inbox.accept_batch([twin, other]))

    assert answers[0].duplicate and answers[0].reply.result["check_in_id"] == 1
    assert not answers[1].duplicate and answers[1].reply.result["check_in_id"] == 2
    assert _count(engine, CheckIn) == 2 and _count(engine, SyncEvent) == 2


def test_poisoned_request_falls_back_one_by_one_and_blocks_no_other(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests = [_request(card=f"00000000{n:02X}") for n in range(4)]
    poisoned = requests[2].id

    def answer(request: Request, *args: Any) -> Accepted:
        if request.id == poisoned:
            raise RuntimeError("a handler bug")
        return real_answer(request, *args)

    monkeypatch.setattr(hub.inbox, "answer", answer)
    answers = Inbox(session_factory(engine)).accept_batch(requests)

    assert isinstance(answers[2], Failed) and "handler bug" in str(answers[2].error)
    fine = [answer for index, answer in enumerate(answers) if index != 2]
    # The failed batch was rolled back whole: the one-by-one retry stores each afresh.
    assert [isinstance(a, Accepted) and not a.duplicate for a in fine] == [True] * 3
    with session_factory(engine)() as session:
        ids = set(session.scalars(select(InboxEntry.request_id)))
    assert ids == {r.id for r in requests} - {poisoned}
    assert _count(engine, CheckIn) == _count(engine, SyncEvent) == 3


def test_id_reused_by_another_kiosk_in_one_batch_is_refused(engine: Engine) -> None:
    original = _request()
    impostor = _request(kiosk="k9", request_id=original.id)
    answers = _accepted(Inbox(session_factory(engine)).accept_batch([original, impostor]))

    assert (answers[1].reply.status, answers[1].reply.code) == ("error", "id_conflict")
    assert answers[1].reply.kiosk == "k9" and answers[1].reply.result == {}
    assert _count(engine, CheckIn) == 1


def test_an_empty_batch_touches_nothing(engine: Engine) -> None:
    assert Inbox(session_factory(engine)).accept_batch([]) == []
