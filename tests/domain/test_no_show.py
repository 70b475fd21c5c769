"""A booking nobody checks in to is released after the room's grace time."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain.models import Booking, BookingSlot
from hub.domain.no_show import release_no_shows
from hub.models import SyncEvent
from tests.domain.harness import Domain, local


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    made = Domain.create(tmp_path)
    made.room(no_show_grace_minutes=10)
    return made


def _release(domain: Domain) -> list[int]:
    with domain.sessions.begin() as session:
        return release_no_shows(session, domain.clock())


def test_a_no_show_is_released_after_grace_and_the_slot_is_free_again(domain: Domain) -> None:
    domain.book(local(30, 10), local(30, 11), card="AAAAAAAAAA")
    domain.clock.now = local(30, 10, 9)
    assert _release(domain) == []
    domain.clock.now = local(30, 10, 10)
    assert _release(domain) == [1]
    assert _release(domain) == []  # once
    [booking] = domain.rows(Booking)
    assert booking.status == "released" and domain.count(BookingSlot) == 0
    late_comer = domain.book(local(30, 10, 30), local(30, 11), card="BBBBBBBBBB")
    assert late_comer.code == "booked"
    assert domain.count(SyncEvent, SyncEvent.kind == "booking_released") == 1


def test_checking_in_keeps_the_booking(domain: Domain) -> None:
    domain.book(local(30, 10), local(30, 11), card="AAAAAAAAAA")
    domain.clock.now = local(30, 9, 50)
    reply = domain.check_in("AAAAAAAAAA")
    assert reply.result["booking_id"] == "B-1"
    domain.clock.now = local(30, 10, 30)
    assert _release(domain) == []
    [booking] = domain.rows(Booking)
    assert booking.status == "checked_in"


def test_a_check_in_too_early_does_not_count(domain: Domain) -> None:
    domain.book(local(30, 10), local(30, 11), card="AAAAAAAAAA")
    domain.clock.now = local(30, 9, 30)
    assert "booking_id" not in domain.check_in("AAAAAAAAAA").result
    domain.clock.now = local(30, 10, 10)
    assert _release(domain) == [1]
