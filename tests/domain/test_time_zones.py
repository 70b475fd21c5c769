"""Rules run on Shanghai time, stored as UTC: day boundaries and the week's edge."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.domain.models import Booking
from tests.domain.harness import Domain, local


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    made = Domain.create(tmp_path)
    # Open 18:00 to 02:00 the next morning: the evening belongs to the day it began.
    made.room("st01-cafe", kind="coffee_corner", open_minute=18 * 60, close_minute=26 * 60)
    made.room("st01-booth", kind="reading_booth", open_minute=0, close_minute=24 * 60)
    return made


def test_a_booking_across_local_midnight_is_one_booking(domain: Domain) -> None:
    reply = domain.book(local(30, 23, 30), local(1, 0, 30, month=12), room="st01-cafe")
    assert (reply.code, reply.result["start"], reply.result["end"]) == (
        "booked",
        "2026-11-30T23:30+08:00",
        "2026-12-01T00:30+08:00",
    )
    [booking] = domain.rows(Booking)
    assert booking.starts_at == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
    clash = domain.book(
        local(1, 0, month=12), local(1, 1, month=12), room="st01-cafe", card="BBBBBBBBBB"
    )
    assert clash.code == "slot_taken"


def test_a_round_the_clock_room_books_across_midnight(domain: Domain) -> None:
    reply = domain.book(local(30, 23, 30), local(1, 0, 30, month=12), room="st01-booth")
    assert reply.code == "booked"


def test_a_blackout_on_the_opening_day_closes_its_late_evening(domain: Domain) -> None:
    domain.blackout(local(30, 0), "st01-cafe")
    after_midnight = domain.book(local(1, 0, 30, month=12), local(1, 1, month=12), room="st01-cafe")
    next_evening = domain.book(local(1, 19, month=12), local(1, 20, month=12), room="st01-cafe")
    assert (after_midnight.code, after_midnight.result["reason"]) == ("closed", "blackout")
    assert next_evening.code == "booked"


def test_kiosk_offsets_do_not_matter_only_the_instant(domain: Domain) -> None:
    utc_start = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
    first = domain.book(utc_start, utc_start.replace(hour=12), room="st01-cafe")
    same = domain.book(local(30, 19), local(30, 20), room="st01-cafe", card="BBBBBBBBBB")
    assert (first.code, same.code) == ("booked", "slot_taken")


def test_the_quota_week_turns_at_local_monday_midnight(domain: Domain) -> None:
    for day in (1, 2, 3):
        assert (
            domain.book(local(day, 19, month=12), local(day, 20, month=12), room="st01-cafe").code
            == "booked"
        )
    # Monday 7 Dec 00:30 in Shanghai is still Sunday in UTC: it is next week's booking.
    monday = domain.book(local(7, 0, 30, month=12), local(7, 1, month=12), room="st01-cafe")
    sunday = domain.book(local(6, 23, 30, month=12), local(7, 0, month=12), room="st01-cafe")
    assert (monday.code, sunday.code) == ("booked", "quota_exceeded")


def test_rules_use_the_hub_clock_not_the_kiosk_clock(domain: Domain) -> None:
    domain.clock.now = local(30, 20, 15)
    request = domain.booking_request(local(30, 20), local(30, 20, 30), room="st01-cafe")
    assert request.kiosk_time == local(30, 20, 15)
    domain.clock.now = local(30, 19)  # kiosk_time stays ahead; the hub's clock rules
    assert domain.send(request).code == "booked"
