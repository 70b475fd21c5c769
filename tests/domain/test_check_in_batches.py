"""Check-ins decided together in one transaction answer exactly as one by one would."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import hub.inbox
from hub.decisions import Outcome
from hub.domain.check_in import _visits_this_year
from hub.domain.models import Booking
from hub.domain.records import Attendance, Signup
from hub.inbox import Accepted, Failed
from hub.models import CheckIn, InboxEntry
from protocol.messages import Request
from tests.domain.harness import Domain, local


def _centre(path: Path) -> Domain:
    """A station with a room booked at 10:00 by card A and an activity with one seat."""
    path.mkdir()
    domain = Domain.create(path)
    domain.room()
    domain.room("st02-hall", station="st02")
    domain.activity(capacity=1)
    domain.book(local(30, 10), local(30, 11), card="AAAAAAAAAA")
    domain.book(
        local(30, 10), local(30, 10, 30), room="st02-hall", card="AAAAAAAAAA", station="st02"
    )
    domain.clock.now = local(30, 9, 50)
    return domain


def _busy_minute(domain: Domain) -> list[Request]:
    """Everything a festival minute brings, in the order the kiosks sent it."""
    return [
        domain.check_in_request("AAAAAAAAAA"),  # uses the booking at st01
        domain.check_in_request("BBBBBBBBBB"),
        domain.check_in_request("AAAAAAAAAA"),  # again: a visit, the booking already used
        domain.check_in_request("AAAAAAAAAA", station="st02"),  # the st02 booking
        domain.sign_up_request("CCCCCCCCCC"),  # the one seat, between two runs of check-ins
        domain.check_in_request("CCCCCCCCCC", activity="A-1"),
        domain.check_in_request("BBBBBBBBBB", activity="A-1"),  # walks in
        domain.check_in_request("CCCCCCCCCC", activity="A-1"),  # attendance known already
        domain.check_in_request("BBBBBBBBBB"),
    ]


def _answers(domain: Domain, requests: list[Request], *, together: bool) -> list[tuple[object]]:
    inbox = domain.inbox
    answers = inbox.accept_batch(requests) if together else [inbox.accept(one) for one in requests]
    replies = [answer.reply for answer in answers if isinstance(answer, Accepted)]
    assert len(replies) == len(requests)
    return [(reply.status, reply.code, reply.result) for reply in replies]  # type: ignore[misc]


def test_a_batch_of_check_ins_answers_as_one_by_one(tmp_path: Path) -> None:
    one_by_one, together = _centre(tmp_path / "a"), _centre(tmp_path / "b")
    expected = _answers(one_by_one, _busy_minute(one_by_one), together=False)
    got = _answers(together, _busy_minute(together), together=True)

    assert got == expected
    visits = [result.get("visits_this_year") for _, _, result in got]  # type: ignore[attr-defined]
    assert visits == [1, 1, 2, 3, None, 1, 2, 2, 3]
    bookings = [result.get("booking_id") for _, _, result in got]  # type: ignore[attr-defined]
    assert bookings == ["B-1", None, None, "B-2", None, None, None, None, None]
    attendance = [result.get("attendance") for _, _, result in got]  # type: ignore[attr-defined]
    assert attendance[5:8] == ["signed_up", "walk_in", "already_recorded"]
    for domain in (one_by_one, together):
        assert domain.count(CheckIn) == 8 and domain.count(Attendance) == 2
        assert [b.status for b in domain.rows(Booking)] == ["checked_in", "checked_in"]


def _steps_to_count_visits(domain: Domain, cards: list[str]) -> tuple[int, dict[object, int]]:
    """SQLite virtual-machine steps the visit count of ``cards`` takes, and the counts."""
    people = {("rfid_em4100", card) for card in cards}
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    with domain.sessions() as session:
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        raw.set_progress_handler(step, 1)
        try:
            counts = _visits_this_year(session, people, domain.clock.now)
        finally:
            raw.set_progress_handler(None, 1)
    return steps, dict(counts)


def test_counting_visits_costs_the_same_whatever_others_have_stored(tmp_path: Path) -> None:
    """Each person is found in the index: a busy year of other people's visits costs nothing."""
    domain = Domain.create(tmp_path)
    domain.clock.now = local(30, 9, 50)
    regulars = [f"{n:010X}" for n in range(10)]
    domain.inbox.accept_batch([domain.check_in_request(card) for card in regulars])
    quiet, counts = _steps_to_count_visits(domain, regulars)
    assert counts == {("rfid_em4100", card): 1 for card in regulars}

    crowd = [domain.check_in_request(f"C{n:09d}") for n in range(3000)]
    for start in range(0, len(crowd), 500):
        domain.inbox.accept_batch(crowd[start : start + 500])
    busy, counts = _steps_to_count_visits(domain, regulars)
    assert counts == {("rfid_em4100", card): 1 for card in regulars}
    # A scan of the index would take a few steps per stored check-in (3,010 now).
    assert busy < quiet + 200, (quiet, busy)


def _rows_read_to_count_visits(domain: Domain, cards: list[str]) -> tuple[int, dict[object, int]]:
    """Check-in rows PostgreSQL read to count the visits of ``cards``, and the counts."""
    people = {("rfid_em4100", card) for card in cards}
    read = text(
        "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
        " WHERE relname = 'check_ins'"
    )
    with domain.sessions() as session:
        before = session.execute(read).scalar_one()
        counts = _visits_this_year(session, people, domain.clock.now)
        after = session.execute(read).scalar_one()
    return after - before, dict(counts)


def test_counting_visits_on_postgresql_stays_a_lookup_as_the_year_fills(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    """A hub that began on an empty database still finds each person in the index.

    The count runs often while the table is nearly empty, as on a new hub's
    first day, so psycopg prepares it and PostgreSQL may keep a plan made for
    that table. Once statistics say the table is full (autovacuum's ANALYZE),
    the count must read its people's check-ins, not the year's.
    """
    domain = Domain.create(tmp_path, empty_postgres_url)
    domain.clock.now = local(30, 9, 50)
    regulars = [f"{n:010X}" for n in range(10)]
    domain.inbox.accept_batch([domain.check_in_request(card) for card in regulars])
    for _ in range(15):  # more than psycopg's and PostgreSQL's thresholds for keeping a plan
        quiet, counts = _rows_read_to_count_visits(domain, regulars)
    assert counts == {("rfid_em4100", card): 1 for card in regulars}

    crowd = [domain.check_in_request(f"C{n:09d}") for n in range(10_000)]
    for start in range(0, len(crowd), 500):
        domain.inbox.accept_batch(crowd[start : start + 500])
    with domain.engine.begin() as connection:
        connection.execute(text("ANALYZE check_ins"))
    busy, counts = _rows_read_to_count_visits(domain, regulars)
    assert counts == {("rfid_em4100", card): 1 for card in regulars}
    # Reading the table would read every one of the 10,010 check-ins stored.
    assert busy < quiet + 200, (quiet, busy)


def test_a_request_a_constraint_refuses_takes_back_only_its_own_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a mixed batch each other request is decided in a savepoint of its own.

    Its claim on the request id is written first, then its decision; when
    a constraint refuses the decision, the savepoint takes back the claim
    and whatever the decision wrote, and nothing of the requests around it.
    """
    domain = _centre(tmp_path / "a")
    requests: list[Request] = [
        domain.check_in_request("BBBBBBBBBB"),
        domain.sign_up_request("CCCCCCCCCC"),
        domain.check_in_request("DDDDDDDDDD"),
    ]
    refused = requests[1].id
    real_decide = hub.inbox.decide

    def decide(session: Session, request: Request, now: datetime) -> Outcome:
        outcome = real_decide(session, request, now)
        if request.id == refused:  # the sign-up is written; then a constraint says no
            session.flush()
            raise IntegrityError("INSERT INTO signups", None, Exception("UNIQUE constraint"))
        return outcome

    monkeypatch.setattr(hub.inbox, "decide", decide)
    answers = domain.inbox.accept_batch(requests)

    assert isinstance(answers[1], Failed) and "refused by a constraint" in str(answers[1].error)
    assert [isinstance(answers[i], Accepted) for i in (0, 2)] == [True, True]
    stored = {entry.request_id for entry in domain.rows(InboxEntry)}
    assert refused not in stored and {requests[0].id, requests[2].id} <= stored
    assert domain.count(Signup) == 0
    assert domain.count(CheckIn) == 2


def test_counting_visits_on_postgresql_is_a_lookup_before_any_statistics(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    """A new hub's database, not analysed yet, still finds each person in the index.

    Until autovacuum first analyses a new database, PostgreSQL plans without
    statistics. Given ``credential = ANY(list)``, it then read every
    check-in of the credential kind and tested each against the list, so a
    festival's first minutes on a new hub got slower with every batch
    stored. Autovacuum is off for the table here: the plan must not need it.
    """
    domain = Domain.create(tmp_path, empty_postgres_url)
    with domain.engine.begin() as connection:
        connection.execute(text("ALTER TABLE check_ins SET (autovacuum_enabled = false)"))
    domain.clock.now = local(30, 9, 50)
    regulars = [f"{n:010X}" for n in range(10)]
    newcomer = "FFFFFFFFFF"
    domain.inbox.accept_batch([domain.check_in_request(card) for card in regulars])
    quiet, counts = _rows_read_to_count_visits(domain, [*regulars, newcomer])
    assert counts == {("rfid_em4100", card): 1 for card in regulars}  # no visit: not counted

    crowd = [domain.check_in_request(f"C{n:09d}") for n in range(5_000)]
    for start in range(0, len(crowd), 500):
        domain.inbox.accept_batch(crowd[start : start + 500])
    busy, counts = _rows_read_to_count_visits(domain, [*regulars, newcomer])
    assert counts == {("rfid_em4100", card): 1 for card in regulars}
    # Reading the kind's check-ins would read all 5,010 stored.
    assert busy < quiet + 200, (quiet, busy)
