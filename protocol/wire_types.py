"""Field types every message shares: times and counters a database can hold.

A value the models accept must be one the hub can store and convert. A
time in year 9999 at UTC-14 passes ``AwareDatetime`` but overflows when it
is converted to UTC; a sequence number above 2**31 - 1 passes ``int`` but
not PostgreSQL's ``integer``. Refused at the edge, such a request gets a
reply naming the field; let through, it would fail to store on every
resend, for ever.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MAX_COUNTER = 2**31 - 1  # the hub's integer columns (PostgreSQL ``integer``)


def _within_years(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"time must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


WireTime = Annotated[AwareDatetime, AfterValidator(_within_years)]
Counter = Annotated[int, Field(ge=1, le=MAX_COUNTER)]
