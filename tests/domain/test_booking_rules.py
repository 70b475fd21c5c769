"""Booking rules decided by the hub: slots, hours, blackouts, quotas, time zones."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain.models import Booking, BookingSlot
from tests.domain.harness import Domain, local


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    made = Domain.create(tmp_path)
    made.room()
    return made


def test_a_free_slot_is_booked_with_its_details(domain: Domain) -> None:
    reply = domain.book(local(30, 14), local(30, 15))
    assert (reply.status, reply.code) == ("ok", "booked")
    assert reply.result["start"] == "2026-11-30T14:00+08:00"
    assert reply.result["end"] == "2026-11-30T15:00+08:00"
    assert reply.result["booking_id"] == "B-1"
    assert reply.result["check_in_by"] == "2026-11-30T14:15+08:00"


def test_a_taken_slot_is_refused_with_the_next_free_slots(domain: Domain) -> None:
    domain.book(local(30, 14), local(30, 15), card="AAAAAAAAAA")
    reply = domain.book(local(30, 14, 30), local(30, 15, 30), card="BBBBBBBBBB")
    assert (reply.status, reply.code) == ("rejected", "slot_taken")
    assert reply.result["alternatives"] == (
        "2026-11-30T15:00+08:00/2026-11-30T16:00+08:00,"
        "2026-11-30T15:30+08:00/2026-11-30T16:30+08:00,"
        "2026-11-30T16:00+08:00/2026-11-30T17:00+08:00"
    )
    assert domain.count(Booking) == 1
