"""Protocol errors: values, not exceptions, because they come from outside."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorCode(enum.StrEnum):
    """Machine codes for a message the hub could not accept as sent."""

    TOO_LARGE = "too_large"
    BAD_JSON = "bad_json"
    BAD_SCHEMA = "bad_schema"
    BAD_TOPIC = "bad_topic"
    TOPIC_MISMATCH = "topic_mismatch"
    UNKNOWN_TYPE = "unknown_type"
    UNSUPPORTED_VERSION = "unsupported_version"


@dataclass(frozen=True)
class ProtocolError:
    """Why a payload or topic was rejected, in words a person understands.

    ``request_id`` is filled when the id could be read even though the rest
    was bad, so the kiosk can match the error reply to its outbox entry.
    """

    code: ErrorCode
    message: str
    request_id: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
