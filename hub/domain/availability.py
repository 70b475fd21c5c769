"""Free slots: the alternatives offered on a refusal and the kiosks' reference data."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy.orm import Session

from hub.domain.clock import local_day, local_iso
from hub.domain.models import Room
from hub.domain.room import open_intervals, rooms_bookable_from, rules_of, taken_slots
from hub.domain.slot import Interval, free_slots

ALTERNATIVES = 3
SEARCH_DAYS = 7


def next_free(
    session: Session, room: Room, after: datetime, length: int, days: int = SEARCH_DAYS
) -> list[Interval]:
    """Up to ``ALTERNATIVES`` free [start, end) of ``length`` slots in ``room`` after ``after``."""
    return list(islice(free_in(session, room, after, length, days), ALTERNATIVES))


def free_in(
    session: Session, room: Room, after: datetime, length: int, days: int
) -> list[Interval]:
    """Every free [start, end) of ``length`` slots in ``room`` in the next ``days`` days."""
    first = local_day(after) - timedelta(days=1)
    last = local_day(after) + timedelta(days=days)
    intervals = open_intervals(session, room, first, last)
    if not intervals:
        return []
    horizon = intervals[-1][1] + timedelta(days=1)
    taken = taken_slots(session, room.id, intervals[0][0], horizon)
    return list(free_slots(rules_of(room), intervals, taken, after, length))


def similar_room(
    session: Session, room: Room, station: str, start: datetime, end: datetime
) -> Room | None:
    """Another room this kiosk may book, as large and of the same kind if possible, free then."""
    candidates = [
        other
        for other in rooms_bookable_from(session, station)
        if other.id != room.id and other.capacity >= min(room.capacity, 2)
    ]
    candidates.sort(
        key=lambda other: (other.kind != room.kind, abs(other.capacity - room.capacity))
    )
    for other in candidates:
        rules = rules_of(other)
        length_slots = (end - start) // rules.slot
        if length_slots < 1 or start + rules.slot * length_slots != end:
            continue
        free = free_in(session, other, start, int(length_slots), days=1)
        if any(begin == start for begin, _ in free):
            return other
    return None


def as_text(intervals: list[Interval]) -> str:
    """Intervals for a flat reply field: ``start/end`` pairs, comma-separated, local time."""
    return ",".join(f"{local_iso(begin)}/{local_iso(end)}" for begin, end in intervals)
