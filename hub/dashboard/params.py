"""What a page's address may ask for, bounded, so that input out of range is a 422 page.

Unbounded, a day like 9999-12-31 overflowed ``date + timedelta`` and an id
of 2**63 overflowed SQLite's integer: both were 500s. An unknown station
went into the export's Content-Disposition header. Each is refused here,
before a page reads or writes anything; ``hub.dashboard.bad_input`` shows
the staff member what was wrong.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from hub.dashboard.context import DashboardContext
from hub.domain.clock import local_day, utc_now

MAX_ROW_ID = 2**31 - 1  # the tables' INTEGER keys (int4 on PostgreSQL)
DAY_REACH_YEARS = 5
DAY_REACH = timedelta(days=366 * DAY_REACH_YEARS)

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def within_reach(day: date, today: date) -> bool:
    """Whether a page may show ``day``: staff look back and plan ahead a few years, no more."""
    return abs(day - today) <= DAY_REACH


def _near_today(day: date | None) -> date | None:
    if day is not None and not within_reach(day, local_day(utc_now())):
        raise PydanticCustomError(
            "day_out_of_range",
            "the day must lie within {years} years of today",
            {"years": DAY_REACH_YEARS},
        )
    return day


ShownDay = Annotated[date | None, AfterValidator(_near_today)]


def station_filter(request: Request, station: str = "") -> str:
    """``""`` (every station) or one of the hub's stations; anything else is a 422 page."""
    context: DashboardContext = request.app.state.context
    if station and station not in {s.id for s in context.hub.stations}:
        raise RequestValidationError(
            [
                {
                    "type": "unknown_station",
                    "loc": ("query", "station"),
                    "msg": "no such station on this hub",
                    "input": station,
                }
            ]
        )
    return station
