"""The figures the centre reports upward, by month and for the year.

- visits: check-ins (every swipe the hub stored, any purpose);
- people served: distinct credentials that checked in (a year's figure is
  distinct over the year, not the sum of the months);
- activities held: activities that started in the period (and have started);
- services done: service requests moved to ``done`` in the period.
Months are Asia/Shanghai calendar months. One query per month and figure
keeps the SQL portable; a year is 48 small indexed-range queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from hub.dashboard.i18n import PEOPLE_TZ
from hub.domain.records import Activity, ServiceRequest, ServiceRequestStatus
from hub.models import CheckIn

FIGURES = ("visits", "people", "activities", "services_done")


@dataclass(frozen=True)
class Figures:
    period: str  # "2026-03" for a month, "2026" for the year
    visits: int
    people: int
    activities: int
    services_done: int

    def values(self) -> list[int]:
        return [self.visits, self.people, self.activities, self.services_done]


@dataclass(frozen=True)
class YearReport:
    year: int
    station: str  # "" = every station
    months: list[Figures]
    total: Figures


def year_report(session: Session, year: int, station: str, now: datetime) -> YearReport:
    """Twelve months and the year, for one station or all ("")."""
    months = [
        _figures(
            session,
            f"{year}-{month:02d}",
            _month_start(year, month),
            _month_start(year, month + 1),
            station=station,
            now=now,
        )
        for month in range(1, 13)
    ]
    total = _figures(
        session,
        str(year),
        _month_start(year, 1),
        _month_start(year + 1, 1),
        station=station,
        now=now,
    )
    return YearReport(year, station, months, total)


def _month_start(year: int, month: int) -> datetime:
    year, month = (year + 1, 1) if month == 13 else (year, month)
    return datetime.combine(date(year, month, 1), time(0), tzinfo=PEOPLE_TZ).astimezone(UTC)


def _figures(
    session: Session, label: str, start: datetime, end: datetime, *, station: str, now: datetime
) -> Figures:
    visits = (
        select(func.count())
        .select_from(CheckIn)
        .where(CheckIn.received_at >= start, CheckIn.received_at < end)
    )
    distinct_people = select(CheckIn.credential_kind, CheckIn.credential).where(
        CheckIn.received_at >= start, CheckIn.received_at < end
    )
    if station:
        distinct_people = distinct_people.where(CheckIn.station == station)
    people = select(func.count()).select_from(
        distinct_people.group_by(CheckIn.credential_kind, CheckIn.credential).subquery()
    )
    activities = (
        select(func.count())
        .select_from(Activity)
        .where(Activity.starts_at >= start, Activity.starts_at < min(end, now))
    )
    services = (
        select(func.count())
        .select_from(ServiceRequest)
        .where(
            ServiceRequest.status == ServiceRequestStatus.DONE.value,
            ServiceRequest.changed_at >= start,
            ServiceRequest.changed_at < end,
        )
    )
    if station:
        visits = visits.where(CheckIn.station == station)
        activities = activities.where(Activity.station_id == station)
        services = services.where(ServiceRequest.station == station)
    return Figures(
        label,
        _count(session, visits),
        _count(session, people),
        _count(session, activities) if start < now else 0,
        _count(session, services),
    )


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)
