"""The HTTP contract of central records: request and response bodies.

These models are the OpenAPI description (``docs/central-openapi.json`` is
generated from them). Strings that reach the database carry patterns that
exclude NUL and control characters, and times must lie in a sane range, so
bad input is a 422 and can never become a database error (a 5xx).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from protocol.messages import CredentialKind, MessageType
from protocol.topics import NAME_PATTERN

MAX_BATCH_ITEMS = 1000
EVENT_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"

StationId = Annotated[str, Field(pattern=NAME_PATTERN)]
ShortId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
PlainText = Annotated[str, Field(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]
CredentialValue = Annotated[
    str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+/=_.:-]+$")
]


def _sane_time(value: datetime) -> datetime:
    """Refuse times that cannot be stored or converted to UTC (e.g. year 9999-23:59)."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("time must lie between the years 2000 and 2100")
    return value.astimezone(UTC)


WireTime = Annotated[AwareDatetime, AfterValidator(_sane_time)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedName(enum.StrEnum):
    """Central's change feeds. The roster goes to kiosks; the rest to the domain."""

    ROSTER = "roster"
    ROOMS = "rooms"
    ACTIVITIES = "activities"
    CATALOGUE = "catalogue"


class ReferenceFeed(enum.StrEnum):
    """The feeds the admin fills with free-form entries (the roster has its own shape)."""

    ROOMS = "rooms"
    ACTIVITIES = "activities"
    CATALOGUE = "catalogue"


class ItemStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # stored now
    DUPLICATE = "duplicate"  # this event id was stored before; nothing changed
    REJECTED = "rejected"  # never stored; ``reason`` says why; resending will not help


# -- hub -> central: events ---------------------------------------------------------


class EventIn(_Body):
    """One record from a hub's outbox. ``payload`` is the hub's record as it stored it."""

    event_id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    kind: MessageType
    station: StationId
    payload: dict[str, Any]


class EventBatch(_Body):
    """Items are checked one by one, so one bad record never blocks the others."""

    items: Annotated[list[dict[str, Any]], Field(max_length=MAX_BATCH_ITEMS)]


class ItemResult(_Body):
    index: Annotated[int, Field(ge=0, description="position of the item in the batch")]
    event_id: str | None
    status: ItemStatus
    reason: str | None = None


class BatchResult(_Body):
    results: list[ItemResult]


# -- central -> hub: change feeds ---------------------------------------------------


class FeedEntry(_Body):
    key: str
    deleted: bool
    data: dict[str, Any]


class FeedPage(_Body):
    """Entries changed after the cursor asked for, oldest change first.

    Pass ``cursor`` back to get the next page; ``more`` says whether to ask
    again at once. A feed is compacted: each key appears with its latest
    state, so reading from cursor "0" gives the whole current table.
    """

    feed: FeedName
    items: list[FeedEntry]
    cursor: str
    more: bool


# -- roster and reference data (admin) ----------------------------------------------


class CredentialIn(_Body):
    kind: CredentialKind
    value: CredentialValue


class RosterIn(_Body):
    """A person by credential: ID cards only as keyed hashes, never ID numbers."""

    credential: CredentialIn
    person_id: ShortId
    masked_name: Annotated[PlainText, Field(min_length=1, max_length=20)]
    member: bool = False
    stations: Annotated[list[StationId], Field(max_length=12)] | Literal["*"] = "*"


class ReferenceIn(_Body):
    """A room, activity or catalogue entry, kept as given for the hub's domain."""

    data: dict[str, Any]


class ChangeOut(_Body):
    feed: FeedName
    key: str
    change_seq: int


# -- online bookings ----------------------------------------------------------------


class OnlineBookingIn(_Body):
    station: StationId
    room_id: ShortId
    start: WireTime
    end: WireTime
    credential: CredentialIn
    note: Annotated[PlainText, Field(max_length=200)] = ""
    lang: Literal["zh_CN", "en"] = "zh_CN"

    @model_validator(mode="after")
    def _ends_after_start(self) -> OnlineBookingIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class DecisionIn(_Body):
    """The hub's reply to the booking request it made from an online booking."""

    request_id: Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
    status: Literal["ok", "rejected", "error"]
    code: Code
    message: Annotated[PlainText, Field(max_length=500)] = ""
    result: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class DecisionOut(_Body):
    request_id: str
    status: Literal["ok", "rejected", "error"]
    code: str
    message: str
    result: dict[str, str | int | float | bool | None]
    decided_by: str
    decided_at: datetime


class OnlineBookingOut(_Body):
    id: int
    station: str
    room_id: str
    start: datetime
    end: datetime
    credential: CredentialIn
    note: str
    lang: Literal["zh_CN", "en"]
    created_at: datetime
    decision: DecisionOut | None


class PendingBookings(_Body):
    items: list[OnlineBookingOut]


class EventSummary(_Body):
    total: int
    by_kind: dict[str, int]


class Problem(_Body):
    """Every 4xx answer: what was wrong, in one sentence."""

    detail: str
