"""Time as the domain sees it: UTC in storage, Asia/Shanghai for people.

SQLite has no time zone type: SQLAlchemy stores a ``DateTime`` as text
without its offset, so an aware value in another zone would be stored as
its wall clock and compare wrongly. ``UtcDateTime`` converts every value
to UTC on the way in and marks it UTC on the way out, on both SQLite and
PostgreSQL, so rows and query parameters always compare as instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PEOPLE_TZ = ZoneInfo("Asia/Shanghai")


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the domain stores instants only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
