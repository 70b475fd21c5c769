"""Time as the domain sees it: UTC in storage, Asia/Shanghai for people.

SQLite has no time zone type: SQLAlchemy stores a ``DateTime`` as text
without its offset, so an aware value in another zone would be stored as
its wall clock and compare wrongly. ``hub.models.UtcDateTime``, the type of
every time column, converts every value to UTC on the way in and marks it
UTC on the way out, on both SQLite and PostgreSQL, so rows and query
parameters always compare as instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PEOPLE_TZ = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    """The hub's clock: what its parts take as ``clock`` unless a test or a demo sets one."""
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day a person in the centre would call ``moment``."""
    return moment.astimezone(PEOPLE_TZ).date()


def local_midnight(day: date) -> datetime:
    """00:00 Asia/Shanghai on ``day``, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=PEOPLE_TZ)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 local of the week holding ``moment`` (quotas count per week)."""
    day = local_day(moment)
    return local_midnight(day - timedelta(days=day.weekday()))


def local_iso(moment: datetime) -> str:
    """A time for a kiosk's screen: RFC 3339 with the +08:00 offset, to the minute."""
    return moment.astimezone(PEOPLE_TZ).isoformat(timespec="minutes")
