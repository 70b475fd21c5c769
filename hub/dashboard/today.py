"""Today's figures: check-ins by station and by hour, and activities with attendance.

Days are Asia/Shanghai days; the database holds UTC instants, so a day is
the UTC interval between two local midnights. Counting happens in Python
over one day's rows (a few hundred), which keeps the SQL the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.dashboard.i18n import PEOPLE_TZ
from hub.domain.records import Activity, Attendance, Signup, SignupStatus
from hub.models import CheckIn


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of ``day`` as UTC instants."""
    start = datetime.combine(day, time(0), tzinfo=PEOPLE_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PEOPLE_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class CheckInsOfDay:
    total: int
    people: int
    by_station: dict[str, int]
    by_station_hour: dict[str, list[int]]  # 24 local hours per station


def check_ins_of_day(session: Session, day: date) -> CheckInsOfDay:
    start, end = day_bounds(day)
    rows = session.execute(
        select(
            CheckIn.station, CheckIn.received_at, CheckIn.credential_kind, CheckIn.credential
        ).where(CheckIn.received_at >= start, CheckIn.received_at < end)
    ).all()
    by_station: Counter[str] = Counter()
    hours: dict[str, list[int]] = {}
    people = set()
    for station, received_at, kind, credential in rows:
        by_station[station] += 1
        hour = received_at.astimezone(PEOPLE_TZ).hour
        hours.setdefault(station, [0] * 24)[hour] += 1
        people.add((kind, credential))
    return CheckInsOfDay(
        len(rows), len(people), dict(sorted(by_station.items())), dict(sorted(hours.items()))
    )


@dataclass(frozen=True)
class ActivityOfDay:
    id: str
    station: str
    title_zh: str
    title_en: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signed_up: int
    waiting: int
    attended: int
    running: bool


def activities_of_day(session: Session, day: date, now: datetime) -> list[ActivityOfDay]:
    """Activities starting on ``day`` with seats taken, the wait list and attendance."""
    start, end = day_bounds(day)
    activities = session.scalars(
        select(Activity)
        .where(Activity.starts_at >= start, Activity.starts_at < end)
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    ids = [activity.id for activity in activities]
    counts: dict[tuple[str, str], int] = {}
    if ids:
        for activity_id, status, count in session.execute(
            select(Signup.activity_id, Signup.status, func.count())
            .where(Signup.activity_id.in_(ids))
            .group_by(Signup.activity_id, Signup.status)
        ):
            counts[(activity_id, status)] = int(count)
        for activity_id, count in session.execute(
            select(Attendance.activity_id, func.count())
            .where(Attendance.activity_id.in_(ids))
            .group_by(Attendance.activity_id)
        ):
            counts[(activity_id, "attended")] = int(count)
    return [
        ActivityOfDay(
            id=a.id,
            station=a.station_id,
            title_zh=a.title_zh,
            title_en=a.title_en,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            capacity=a.capacity,
            signed_up=counts.get((a.id, SignupStatus.CONFIRMED.value), 0),
            waiting=counts.get((a.id, SignupStatus.WAITLISTED.value), 0),
            attended=counts.get((a.id, "attended"), 0),
            running=a.starts_at <= now < a.ends_at,
        )
        for a in activities
    ]
