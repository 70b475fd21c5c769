"""Property-based tests: whatever people ask, in whatever order, the invariants hold.

No two active bookings of a room overlap (with the buffer); an activity's
confirmed sign-ups never exceed its capacity; the wait list is served in
the order people joined it.
"""

from __future__ import annotations

import itertools
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.domain.models import Booking
from hub.domain.records import Signup
from hub.domain.slot import RoomRules, claimed_slots, grid_slots, is_covered, opening_intervals
from tests.domain.harness import Domain, local

CARDS = [f"{n:010X}" for n in range(1, 9)]
BUFFER = timedelta(minutes=30)

booking_asks = st.lists(
    st.tuples(
        st.sampled_from(CARDS),
        st.integers(min_value=0, max_value=20),  # slot index from 08:00, 30-minute slots
        st.integers(min_value=1, max_value=4),  # length in slots
        st.booleans(),  # cancel it afterwards?
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asks=booking_asks)
def test_active_bookings_of_a_room_never_overlap(asks: list[tuple[str, int, int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        domain = Domain.create(Path(directory))
        domain.room(buffer_minutes=30)
        for number, (card, index, length, cancel) in enumerate(asks):
            start = local(30, 10) + timedelta(minutes=30 * index)
            reply = domain.book(
                start, start + timedelta(minutes=30 * length), card=card, kiosk=f"k{number}"
            )
            if cancel and reply.code == "booked":
                domain.cancel(str(reply.result["booking_id"]), card=card, kiosk=f"k{number}")
        active = sorted(
            (b.starts_at, b.ends_at)
            for b in domain.rows(Booking, Booking.status.in_(("confirmed", "checked_in")))
        )
        for (_, end), (next_start, _) in itertools.pairwise(active):
            assert end + BUFFER <= next_start
        domain.engine.dispose()


signup_steps = st.lists(
    st.tuples(st.sampled_from(["join", "leave"]), st.sampled_from(CARDS)), min_size=1, max_size=30
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capacity=st.integers(min_value=0, max_value=4), steps=signup_steps)
def test_capacity_holds_and_the_wait_list_is_first_come_first_served(
    capacity: int, steps: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        domain = Domain.create(Path(directory))
        domain.activity(capacity=capacity)
        waiting: list[str] = []  # the model: who waits, in order
        seated: set[str] = set()
        for action, card in steps:
            if action == "join" and card not in seated and card not in waiting:
                code = domain.sign_up(card).code
                if code == "signed_up":
                    seated.add(card)
                else:
                    assert code == "waitlisted" and len(seated) == capacity
                    waiting.append(card)
            elif action == "leave" and (card in seated or card in waiting):
                domain.withdraw(card)
                if card in seated:
                    seated.discard(card)
                    if waiting:
                        seated.add(waiting.pop(0))
                else:
                    waiting.remove(card)
            confirmed = domain.rows(Signup, Signup.status == "confirmed")
            assert len(confirmed) <= capacity
            assert {s.credential for s in confirmed} == seated
            queue = domain.rows(Signup, Signup.status == "waitlisted")
            assert [s.credential for s in sorted(queue, key=lambda s: s.queue_position)] == waiting
        domain.engine.dispose()


@given(
    open_minute=st.integers(min_value=0, max_value=1439),
    hours=st.integers(min_value=1, max_value=24),
    slot=st.sampled_from([15, 30, 60, 120]),
    index=st.integers(min_value=0, max_value=200),
    length=st.integers(min_value=1, max_value=6),
)
def test_a_grid_booking_claims_exactly_its_slots(
    open_minute: int, hours: int, slot: int, index: int, length: int
) -> None:
    rules = RoomRules(open_minute, open_minute + min(hours * 60, 1440), slot, buffer_minutes=slot)
    base = local(30, 0) + timedelta(minutes=open_minute)
    start = base + timedelta(minutes=slot * index)
    end = start + timedelta(minutes=slot * length)
    slots = grid_slots(rules, start, end)
    assert slots is not None and len(slots) == length
    assert claimed_slots(rules, start, end)[-1] == end  # one buffer slot after
    assert grid_slots(rules, start + timedelta(minutes=1), end) is None
    day = (start - timedelta(days=1)).date()
    intervals = opening_intervals(rules, day, (end + timedelta(days=1)).date())
    inside = any(begin <= start and end <= finish for begin, finish in intervals)
    assert not inside or is_covered(start, end, intervals)
