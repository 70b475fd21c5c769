"""Messages the hub and kiosks publish besides requests: replies and status."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol.messages import KioskId, RequestId, StationId
from protocol.wire_types import WireTime

JsonScalar = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ReplyStatus(enum.StrEnum):
    OK = "ok"  # stored; ``result`` says what was recorded
    REJECTED = "rejected"  # understood and refused by a rule (slot taken, quota ...)
    ERROR = "error"  # not understood (malformed, unknown type, topic mismatch)


class Reply(_Strict):
    """The hub's application-level answer, sent only after its commit.

    ``duplicate`` is true when the request id was seen before: the reply then
    repeats the original outcome and nothing was changed. A kiosk forgets a
    request on any reply with a ``request_id`` it knows, whatever the status.
    """

    v: Literal[1]
    type: Literal["reply"]
    request_id: RequestId | None = Field(description="null when the id could not be read")
    request_type: str | None = None
    station: StationId
    kiosk: KioskId
    status: ReplyStatus
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="machine code")]
    message: Annotated[str, Field(max_length=500, description="for a person, in the kiosk's lang")]
    duplicate: bool = False
    hub_time: WireTime
    result: dict[str, JsonScalar] = Field(default_factory=dict)


ReaderHealth = Literal["ok", "missing", "error", "none"]


class KioskStatus(_Strict):
    """Retained on the kiosk's status topic; the last will says ``offline``."""

    v: Literal[1]
    type: Literal["kiosk_status"]
    station: StationId
    kiosk: KioskId
    state: Literal["online", "offline"]
    at: WireTime
    outbox_waiting: Annotated[int, Field(ge=0)] = 0
    oldest_waiting_s: Annotated[float, Field(ge=0)] | None = None
    reader: ReaderHealth = "none"
    # Errors the reader reported since the kiosk started (bad frames, cards it could not use).
    reader_errors: Annotated[int, Field(ge=0)] = 0
    software: Annotated[str, Field(max_length=32)] = ""


class HubStatus(_Strict):
    v: Literal[1]
    type: Literal["hub_status"]
    hub: Annotated[str, Field(max_length=64)]
    state: Literal["online", "offline"]
    at: WireTime
