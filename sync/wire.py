"""What the hub reads from central's answers, parsed at the edge.

Sync does not import ``central`` (a separate deployment, maybe another
version): it parses just the fields it uses and ignores the rest, so
central may add fields without breaking older hubs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol.messages import CredentialKind


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ItemOutcome(_Answer):
    index: int
    event_id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = None


class BatchAnswer(_Answer):
    results: list[ItemOutcome]


class FeedEntry(_Answer):
    key: str
    deleted: bool
    data: dict[str, Any]


class FeedPage(_Answer):
    feed: str
    items: list[FeedEntry]
    cursor: str = Field(pattern=r"^[0-9]{1,15}$")
    more: bool


class CredentialOut(_Answer):
    kind: CredentialKind
    value: str = Field(max_length=128)


class RosterData(_Answer):
    """A roster feed entry as the hub stores it (``stations``: "*" or "st01,st02")."""

    credential: CredentialOut
    person_id: str = Field(min_length=1, max_length=64)
    masked_name: str = Field(max_length=20)
    member: bool = False
    stations: str = Field(default="*", max_length=400)


class OnlineBooking(_Answer):
    id: int = Field(ge=1)
    station: str
    room_id: str
    start: datetime
    end: datetime
    credential: CredentialOut
    note: str = ""
    lang: Literal["zh_CN", "en"] = "zh_CN"
    created_at: datetime


class PendingBookings(_Answer):
    items: list[OnlineBooking]
