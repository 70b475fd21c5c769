"""Sign-ups with a capacity: seats, the wait list in order, promotion, attendance."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain.records import Attendance, Signup
from tests.domain.harness import Domain, local


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    made = Domain.create(tmp_path)
    made.activity(capacity=2)
    return made


def test_seats_then_the_wait_list_in_order(domain: Domain) -> None:
    replies = [
        domain.sign_up(card) for card in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD")
    ]
    assert [r.code for r in replies] == ["signed_up", "signed_up", "waitlisted", "waitlisted"]
    assert [r.result.get("waitlist_position") for r in replies[2:]] == [1, 2]
    assert replies[1].result["places_left"] == 0


def test_withdrawing_promotes_the_first_on_the_wait_list(domain: Domain) -> None:
    for card in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD"):
        domain.sign_up(card)
    reply = domain.withdraw("AAAAAAAAAA")
    assert (reply.code, reply.result["promoted"]) == ("withdrawn", 1)
    states = {s.credential: (s.status, s.seat) for s in domain.rows(Signup)}
    assert states["CCCCCCCCCC"] == ("confirmed", 1)
    assert states["DDDDDDDDDD"][0] == "waitlisted"
    assert states["AAAAAAAAAA"] == ("withdrawn", None)


def test_leaving_the_wait_list_promotes_nobody(domain: Domain) -> None:
    for card in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        domain.sign_up(card)
    assert domain.withdraw("CCCCCCCCCC").result["promoted"] == 0


def test_full_without_wait_list_is_refused(domain: Domain) -> None:
    domain.sign_up("AAAAAAAAAA")
    domain.sign_up("BBBBBBBBBB")
    reply = domain.sign_up("CCCCCCCCCC", waitlist=False)
    assert (reply.status, reply.code) == ("rejected", "full")


def test_signing_up_twice_is_refused_but_after_withdrawing_is_allowed(domain: Domain) -> None:
    domain.sign_up("AAAAAAAAAA")
    assert domain.sign_up("AAAAAAAAAA").code == "already_signed_up"
    domain.withdraw("AAAAAAAAAA")
    assert domain.sign_up("AAAAAAAAAA").code == "signed_up"


def test_sign_up_closes_when_the_activity_starts(domain: Domain) -> None:
    domain.clock.now = local(30, 12)
    assert domain.sign_up("AAAAAAAAAA").code == "signup_closed"
    assert domain.sign_up("AAAAAAAAAA", activity="A-none").code == "unknown_activity"


def test_attendance_is_taken_by_scan_once(domain: Domain) -> None:
    domain.sign_up("AAAAAAAAAA")
    domain.clock.now = local(30, 12, 5)
    first = domain.check_in("AAAAAAAAAA", activity="A-1")
    again = domain.check_in("AAAAAAAAAA", activity="A-1")
    walk_in = domain.check_in("BBBBBBBBBB", activity="A-1")
    assert [r.result["attendance"] for r in (first, again, walk_in)] == [
        "signed_up",
        "already_recorded",
        "walk_in",
    ]
    assert all(r.code == "checked_in" for r in (first, again, walk_in))
    assert domain.count(Attendance) == 2
