"""Retained reference data the hub publishes to a station's kiosks.

Each message is a whole, versioned snapshot of one table; a kiosk keeps
the newest version it has seen on disk and ignores older ones.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol.messages import Credential, Lang, ShortId, StationId
from protocol.wire_types import Counter, WireTime


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Text = Annotated[str, Field(max_length=120)]


class RosterEntry(_Strict):
    """A known person: credentials are keyed hashes or card ids, never ID numbers."""

    credential: Credential
    person_id: ShortId
    masked_name: Annotated[str, Field(max_length=20, description="e.g. 张*明")]
    member: bool = False


class Room(_Strict):
    id: ShortId
    station: StationId
    name_zh: Text
    name_en: Text
    capacity: Annotated[int, Field(ge=1)]
    # The station's own name, for a room shared with kiosks of other stations.
    station_zh: Text = ""
    station_en: Text = ""


class Activity(_Strict):
    id: ShortId
    title_zh: Text
    title_en: Text
    starts_at: WireTime
    ends_at: WireTime
    room_id: ShortId | None = None
    capacity: Annotated[int, Field(ge=0)]
    places_left: Annotated[int, Field(ge=0)]


class Service(_Strict):
    """An entry of the service catalogue (红色代办); ``key_project`` marks key projects."""

    id: ShortId
    category_zh: Text
    category_en: Text
    title_zh: Text
    title_en: Text
    key_project: bool = False


class FreeSlot(_Strict):
    """A room's free slot a kiosk may offer: [start, end), one slot long."""

    room_id: ShortId
    start: WireTime
    end: WireTime


class StationConfig(_Strict):
    name_zh: Text
    name_en: Text
    default_lang: Lang = "zh_CN"
    idle_timeout_s: Annotated[int, Field(ge=5, le=600)] = 30


class _Snapshot(_Strict):
    v: Literal[1]
    type: Literal["reference"]
    station: StationId
    version: Annotated[Counter, Field(description="grows with every change")]
    generated_at: WireTime


class RosterSnapshot(_Snapshot):
    name: Literal["roster"]
    items: list[RosterEntry]


class RoomsSnapshot(_Snapshot):
    name: Literal["rooms"]
    items: list[Room]


class ActivitiesSnapshot(_Snapshot):
    name: Literal["activities"]
    items: list[Activity]


class ServicesSnapshot(_Snapshot):
    name: Literal["services"]
    items: list[Service]


class SlotsSnapshot(_Snapshot):
    """Free slots of the rooms this station may book, for the next days."""

    name: Literal["slots"]
    items: list[FreeSlot]


class ConfigSnapshot(_Snapshot):
    name: Literal["config"]
    config: StationConfig


Snapshot = (
    RosterSnapshot
    | RoomsSnapshot
    | ActivitiesSnapshot
    | ConfigSnapshot
    | ServicesSnapshot
    | SlotsSnapshot
)
REFERENCE_NAMES = ("roster", "rooms", "activities", "config", "services", "slots")
