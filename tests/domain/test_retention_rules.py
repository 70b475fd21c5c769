"""The domain's records lose who they were about after the retention; the counts stay.

Everything is made through the hub's real request path (bookings, sign-ups,
attendance by scan, service requests, a visitor), then the retention job
runs at chosen times, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import RetentionSettings, StationSettings
from hub.domain.models import Booking, BookingHolder
from hub.domain.records import (
    Attendance,
    MemberRegistration,
    ServiceRequest,
    ServiceRequestStatus,
    Signup,
    Visitor,
)
from hub.domain.refresh import ReferenceRefresher
from hub.domain.service_request import move
from hub.models import ANONYMISED
from hub.reference import build_roster
from hub.retention import RetentionJob
from protocol.messages import (
    MemberRegisterRequest,
    MessageType,
    ServiceRequestRequest,
)
from tests.domain.harness import Domain, local
from tests.waiting import wait_until

ANN, BO = "AAAAAAAAAA", "BBBBBBBBBB"
SETTINGS = RetentionSettings(personal_data_days=400, visitor_days=365)
ST01 = StationSettings(id="st01", name_zh="金融大厦站", name_en="Finance Tower")


@pytest.fixture(params=["sqlite", "postgresql"])
def domain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Domain]:
    url = None if request.param == "sqlite" else request.getfixturevalue("empty_postgres_url")
    made = Domain.create(tmp_path, url)
    made.room()
    made.activity("A-1", capacity=2, starts=local(30, 12))
    made.service()
    made.organisation()
    yield made
    made.engine.dispose()


def _service_request(domain: Domain, card: str) -> int:
    body = {"service_id": "S-001", "note": "代缴物业费，电话 13800138000"}
    reply = domain.send(
        domain.request(ServiceRequestRequest, MessageType.SERVICE_REQUEST, body, card=card)
    )
    return int(reply.result["service_request_id"])  # type: ignore[arg-type]


def _visitor(domain: Domain) -> None:
    assert domain.register_visitor(card=BO).code == "visitor_registered"


def _a_day_at_the_station(domain: Domain) -> tuple[int, int]:
    """Two people book, sign up, attend and ask; one request is finished, one open."""
    for hour, card in ((14, ANN), (15, BO)):
        assert domain.book(local(30, hour), local(30, hour + 1), card=card).status == "ok"
        assert domain.sign_up(card).code == "signed_up"
    domain.clock.now = local(30, 12, 5)
    domain.check_in(ANN, activity="A-1")
    domain.check_in(BO, activity="A-1")
    finished, still_open = _service_request(domain, ANN), _service_request(domain, BO)
    for step in (ServiceRequestStatus.ACCEPTED, ServiceRequestStatus.DONE):
        with domain.sessions.begin() as session:
            assert not isinstance(move(session, finished, step, "张老师", domain.clock()), str)
    _visitor(domain)
    body = {"organisation_id": "org-st01"}
    member = domain.request(MemberRegisterRequest, MessageType.MEMBER_REGISTER, body, card=ANN)
    assert domain.send(member).code == "member_registered"
    return finished, still_open


def _run(domain: Domain, days_later: float) -> dict[str, int]:
    moment = domain.clock() + timedelta(days=days_later)
    return RetentionJob(SETTINGS, domain.sessions).run_once(moment)


def _identified(domain: Domain, model: Any) -> int:
    return domain.count(model, model.credential_kind != ANONYMISED)


def test_nothing_is_touched_before_its_time(domain: Domain) -> None:
    _a_day_at_the_station(domain)

    changed = _run(domain, 364)

    assert not any(changed.values()), changed
    assert [_identified(domain, m) for m in (Booking, Signup, Attendance, ServiceRequest)] == [
        domain.count(m) for m in (Booking, Signup, Attendance, ServiceRequest)
    ]
    assert domain.count(BookingHolder) > 0


def test_visitors_are_forgotten_after_the_year_the_notice_promises(domain: Domain) -> None:
    _a_day_at_the_station(domain)

    changed = _run(domain, 366)

    assert changed["visitors"] == 1 and changed["bookings"] == 0
    [visitor] = domain.rows(Visitor)
    assert (visitor.name, visitor.phone_sealed, visitor.phone_masked) == ("", "", "")
    assert visitor.credential is None and visitor.registered_at is not None  # still counted


def test_old_records_lose_the_person_and_keep_the_counts(domain: Domain) -> None:
    finished, still_open = _a_day_at_the_station(domain)
    totals = {m: domain.count(m) for m in (Booking, Signup, Attendance, ServiceRequest)}

    changed = _run(domain, 401)

    assert changed["bookings"] == domain.count(Booking) == 2
    assert changed["signups"] == changed["attendances"] == 2  # two seats, one blank would clash
    assert changed["service_requests"] == 1 and changed["booking_holders"] == 2
    assert {m: domain.count(m) for m in totals} == totals  # the statistics keep every row
    assert [_identified(domain, m) for m in (Booking, Signup, Attendance)] == [0, 0, 0]
    assert domain.count(BookingHolder) == 0
    assert all(row.note == "" for row in domain.rows(Booking))
    requests = {row.id: row for row in domain.rows(ServiceRequest)}
    assert (requests[finished].credential, requests[finished].note) == ("", "")
    assert requests[finished].staff_note == "" and requests[finished].status == "done"
    assert requests[still_open].credential == BO  # staff are still working on it
    assert "13800138000" in requests[still_open].note
    assert domain.count(MemberRegistration) == 1  # the organisation's record, not visit data
    assert not any(_run(domain, 402).values())  # done once

    # A person whose quota lock was removed books again; the lock comes back.
    domain.clock.now = local(30, 9) + timedelta(days=402)
    start = domain.clock.now.replace(hour=16, minute=0)
    assert domain.book(start, start + timedelta(hours=1), card=ANN).status == "ok"
    assert domain.count(BookingHolder) == 1


def _roster_cards(domain: Domain) -> dict[str, str]:
    with domain.sessions() as session:
        roster = build_roster(session, ST01, 1, domain.clock())
    return {item.credential.value: item.masked_name for item in roster.items}


def test_a_visitors_card_is_known_until_the_visitor_is_forgotten(domain: Domain) -> None:
    """Before, a visitor who registered with a card was 'not recognised' at the next swipe."""
    published: list[str] = []
    refresher = ReferenceRefresher(published.append)
    refresher.attach(domain.sessions)
    try:
        _visitor(domain)  # registers with card BO
        wait_until(lambda: "roster" in published, 10, "the roster republished")
        assert _roster_cards(domain)[BO] == "L****a"  # the name they gave, masked
        published.clear()

        changed = _run(domain, 366)

        assert changed["visitors"] == 1
        wait_until(lambda: "roster" in published, 10, "the roster republished again")
        assert BO not in _roster_cards(domain)
    finally:
        refresher.stop()
