"""Days and slots for booking a room, in the people's time zone (Asia/Shanghai).

The kiosk knows only part of a room's calendar: activities held in it (from
reference data) and this person's own bookings (from the outbox). Everything
else the hub decides; a slot shown free may still be refused, and the screen
says "pending" until the hub answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.session_views import Slot, SlotState

PEOPLE_TZ = ZoneInfo("Asia/Shanghai")
FIRST_HOUR = 8  # the first slot starts at 08:00
LAST_HOUR = 20  # the last slot ends at 20:00
SLOT_MINUTES = 60
DAYS_AHEAD = 7  # today and the next six days

Interval = tuple[datetime, datetime]


def booking_days(now: datetime, count: int = DAYS_AHEAD) -> tuple[date, ...]:
    """Today (people's date) and the following days."""
    today = now.astimezone(PEOPLE_TZ).date()
    return tuple(today + timedelta(days=offset) for offset in range(count))


def day_slots(
    day: date,
    now: datetime,
    taken: Iterable[Interval],
    mine: Iterable[Interval] = (),
) -> tuple[Slot, ...]:
    """The day's slots: past, taken (an activity or other known use), mine, or free."""
    taken_list, mine_list = list(taken), list(mine)
    slots: list[Slot] = []
    start = datetime.combine(day, time(FIRST_HOUR), PEOPLE_TZ)
    close = datetime.combine(day, time(LAST_HOUR), PEOPLE_TZ)
    step = timedelta(minutes=SLOT_MINUTES)
    while start + step <= close:
        end = start + step
        state: SlotState = "free"
        if end <= now:
            state = "past"
        elif any(_overlaps(start, end, interval) for interval in mine_list):
            state = "mine"
        elif any(_overlaps(start, end, interval) for interval in taken_list):
            state = "taken"
        slots.append(Slot(start=start, end=end, state=state))
        start = end
    return tuple(slots)


def _overlaps(start: datetime, end: datetime, interval: Interval) -> bool:
    return start < interval[1] and interval[0] < end
