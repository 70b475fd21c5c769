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


def test_a_cancelled_slot_can_be_booked_again(domain: Domain) -> None:
    first = domain.book(local(30, 14), local(30, 15), card="AAAAAAAAAA")
    assert domain.cancel(str(first.result["booking_id"]), card="AAAAAAAAAA").code == "cancelled"
    again = domain.book(local(30, 14), local(30, 15), card="BBBBBBBBBB")
    assert (again.status, again.code) == ("ok", "booked")
    assert domain.count(BookingSlot) == 2


def test_only_the_booker_can_cancel(domain: Domain) -> None:
    first = domain.book(local(30, 14), local(30, 15), card="AAAAAAAAAA")
    reply = domain.cancel(str(first.result["booking_id"]), card="BBBBBBBBBB")
    assert (reply.status, reply.code) == ("rejected", "not_yours")


def test_reordered_requests_for_one_slot_yield_one_booking(domain: Domain) -> None:
    early = domain.booking_request(local(30, 14), local(30, 15), card="AAAAAAAAAA", kiosk="k1")
    late = domain.booking_request(local(30, 14), local(30, 15), card="BBBBBBBBBB", kiosk="k2")
    replies = [domain.send(late), domain.send(early), domain.send(late)]
    assert [(r.code, r.duplicate) for r in replies] == [
        ("booked", False),
        ("slot_taken", False),
        ("booked", True),
    ]
    assert domain.count(Booking) == 1


def test_buffer_keeps_the_next_slot_free(domain: Domain) -> None:
    domain.room("st01-buffered", buffer_minutes=15)
    domain.book(local(30, 14), local(30, 15), room="st01-buffered", card="AAAAAAAAAA")
    after = domain.book(local(30, 15), local(30, 16), room="st01-buffered", card="BBBBBBBBBB")
    before = domain.book(local(30, 13), local(30, 14), room="st01-buffered", card="CCCCCCCCCC")
    later = domain.book(local(30, 15, 30), local(30, 16), room="st01-buffered", card="DDDDDDDDDD")
    assert [after.code, before.code, later.code] == ["slot_taken", "slot_taken", "booked"]


def test_outside_opening_hours_is_closed(domain: Domain) -> None:
    reply = domain.book(local(30, 20, 30), local(30, 21, 30))
    assert (reply.status, reply.code) == ("rejected", "closed")
    assert reply.result["reason"] == "hours"
    assert (reply.result["opens"], reply.result["closes"]) == ("08:00", "21:00")


def test_a_blackout_day_is_closed_for_that_room_only(domain: Domain) -> None:
    domain.room("st01-read", kind="reading_booth")
    domain.blackout(local(1, 0, month=12), "st01-hall")
    closed = domain.book(local(1, 10, month=12), local(1, 11, month=12))
    other_room = domain.book(local(1, 10, month=12), local(1, 11, month=12), room="st01-read")
    assert (closed.code, closed.result["reason"], closed.result["day"]) == (
        "closed",
        "blackout",
        "2026-12-01",
    )
    assert other_room.code == "booked"


def test_a_centre_wide_blackout_closes_every_room(domain: Domain) -> None:
    domain.blackout(local(2, 0, month=12))
    assert domain.book(local(2, 10, month=12), local(2, 11, month=12)).code == "closed"


def test_past_slots_off_grid_too_long_and_too_far_ahead_are_refused(domain: Domain) -> None:
    assert domain.book(local(30, 8), local(30, 8, 30)).code == "too_late"
    assert domain.book(local(30, 14, 10), local(30, 15)).code == "not_on_grid"
    assert domain.book(local(30, 10), local(30, 15)).code == "too_long"
    assert domain.book(local(20, 10, month=12), local(20, 11, month=12)).code == "too_far_ahead"


def test_weekly_quota_counts_active_bookings_in_the_local_week(domain: Domain) -> None:
    # Week of Monday 30 Nov .. Sunday 6 Dec (Shanghai); quota 3.
    codes = [domain.book(local(30, 10), local(30, 11)).code] + [
        domain.book(local(d, 10, month=12), local(d, 11, month=12)).code for d in (1, 2)
    ]
    fourth = domain.book(local(6, 20, month=12), local(6, 20, 30, month=12))
    next_week = domain.book(local(7, 10, month=12), local(7, 11, month=12))
    assert codes == ["booked", "booked", "booked"]
    assert (fourth.code, fourth.result["quota_per_week"]) == ("quota_exceeded", 3)
    assert next_week.code == "booked"


def test_a_cancelled_booking_frees_quota(domain: Domain) -> None:
    ids = [
        domain.book(local(d, 10, month=12), local(d, 11, month=12)).result["booking_id"]
        for d in (1, 2, 3)
    ]
    assert domain.book(local(4, 10, month=12), local(4, 11, month=12)).code == "quota_exceeded"
    domain.cancel(str(ids[0]))
    assert domain.book(local(4, 10, month=12), local(4, 11, month=12)).code == "booked"


def test_a_room_of_another_station_needs_access(domain: Domain) -> None:
    refused = domain.book(local(30, 14), local(30, 15), station="st02", kiosk="k1")
    domain.share("st01-hall", "st02")
    allowed = domain.book(local(30, 14), local(30, 15), station="st02", kiosk="k1")
    assert (refused.code, allowed.code) == ("not_bookable_here", "booked")
