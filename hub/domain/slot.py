"""A room's slot grid and opening hours, as pure functions over instants.

No database here: the booking handler, the free-slot reference builder
and the property tests all use the same rules. Times in and out are aware
datetimes; the grid is anchored to local (Asia/Shanghai) midnight because
that is where opening hours are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hub.domain.clock import local_day, local_midnight

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class RoomRules:
    """The parameters of a room that decide what can be booked (see Room)."""

    open_minute: int
    close_minute: int
    slot_minutes: int
    buffer_minutes: int = 0
    max_slots_per_booking: int = 4

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def buffer_slots(self) -> int:
        """Whole slots after a booking kept free for turnover (rounded up)."""
        return -(-self.buffer_minutes // self.slot_minutes)


def grid_slots(rules: RoomRules, start: datetime, end: datetime) -> list[datetime] | None:
    """Slot starts covering [start, end), or None when either end is off the grid."""
    if end <= start:
        return None
    if not (_on_grid(rules, start) and _on_grid(rules, end)):
        return None
    slots = []
    moment = start
    while moment < end:
        slots.append(moment)
        moment += rules.slot
    return slots


def claimed_slots(rules: RoomRules, start: datetime, end: datetime) -> list[datetime]:
    """What a booking [start, end) holds: its slots plus the buffer slots after it."""
    slots = grid_slots(rules, start, end)
    if slots is None:
        raise ValueError(f"[{start}, {end}) is not on the room's grid")
    last = slots[-1]
    return slots + [last + rules.slot * (i + 1) for i in range(rules.buffer_slots)]


def opening_intervals(
    rules: RoomRules, first: date, last: date, closed_days: Iterable[date] = ()
) -> list[Interval]:
    """Open intervals of the opening days ``first``..``last`` (local), minus closed days.

    An opening day that runs past midnight belongs to the day it began on,
    so a blackout on that day closes its whole evening.
    """
    closed = set(closed_days)
    intervals = []
    day = first
    while day <= last:
        if day not in closed:
            midnight = local_midnight(day)
            intervals.append(
                (
                    midnight + timedelta(minutes=rules.open_minute),
                    midnight + timedelta(minutes=rules.close_minute),
                )
            )
        day += timedelta(days=1)
    return intervals


def opening_days_touching(start: datetime, end: datetime) -> tuple[date, date]:
    """The opening days that can overlap [start, end): one day earlier covers late nights."""
    return local_day(start) - timedelta(days=1), local_day(end - timedelta(microseconds=1))


def is_covered(start: datetime, end: datetime, intervals: Iterable[Interval]) -> bool:
    """True when [start, end) lies inside the union of ``intervals``."""
    cursor = start
    for begin, finish in sorted(intervals):
        if begin <= cursor < finish:
            cursor = finish
        if cursor >= end:
            return True
    return cursor >= end


def free_slots(
    rules: RoomRules,
    open_intervals: Iterable[Interval],
    taken: set[datetime],
    after: datetime,
    length: int = 1,
) -> Iterator[Interval]:
    """Bookable [start, end) of ``length`` slots, in time order, starting after ``after``.

    A start is free when its slots and its buffer slots are all unclaimed and
    the booking itself lies inside opening hours.
    """
    intervals = sorted(open_intervals)
    for begin, finish in intervals:
        moment = begin
        while moment + rules.slot * length <= finish:
            end = moment + rules.slot * length
            if moment >= after and is_covered(moment, end, intervals):
                wanted = claimed_slots(rules, moment, end)
                if not taken.intersection(wanted):
                    yield moment, end
            moment += rules.slot


def _on_grid(rules: RoomRules, moment: datetime) -> bool:
    since_midnight = moment - local_midnight(local_day(moment))
    if since_midnight.microseconds or since_midnight.seconds % 60:
        return False
    minutes = since_midnight.seconds // 60 - rules.open_minute
    return minutes % rules.slot_minutes == 0
