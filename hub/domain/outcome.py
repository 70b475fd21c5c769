"""What a decision returns, and the machine codes a kiosk can get back.

The codes are part of the wire contract (docs/protocol.md lists them); a
kiosk switches on them, so they live in one enum rather than as strings
scattered through the handlers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from protocol.replies import JsonScalar, ReplyStatus


class Code(enum.StrEnum):
    """Reply codes for domain decisions (protocol errors live in protocol.errors)."""

    CHECKED_IN = "checked_in"
    NOT_AVAILABLE = "not_available"
    # bookings
    BOOKED = "booked"
    CANCELLED = "cancelled"
    SLOT_TAKEN = "slot_taken"
    QUOTA_EXCEEDED = "quota_exceeded"
    CLOSED = "closed"
    NOT_ON_GRID = "not_on_grid"
    TOO_LONG = "too_long"
    TOO_LATE = "too_late"
    TOO_FAR_AHEAD = "too_far_ahead"
    UNKNOWN_ROOM = "unknown_room"
    NOT_BOOKABLE_HERE = "not_bookable_here"
    UNKNOWN_BOOKING = "unknown_booking"
    NOT_YOURS = "not_yours"
    ALREADY_ENDED = "already_ended"
    # activities
    SIGNED_UP = "signed_up"
    WAITLISTED = "waitlisted"
    FULL = "full"
    ALREADY_SIGNED_UP = "already_signed_up"
    UNKNOWN_ACTIVITY = "unknown_activity"
    SIGNUP_CLOSED = "signup_closed"
    WITHDRAWN = "withdrawn"
    NOT_SIGNED_UP = "not_signed_up"
    # services and registrations
    SERVICE_REQUESTED = "service_requested"
    VISITOR_REGISTERED = "visitor_registered"
    MEMBER_REGISTERED = "member_registered"
    ALREADY_REGISTERED = "already_registered"
    UNKNOWN_ORGANISATION = "unknown_organisation"


@dataclass(frozen=True)
class Outcome:
    """A decision: stored (``OK``) or refused by a rule (``REJECTED``).

    ``result`` is flat JSON scalars (the reply's ``result``); ``detail`` is
    for logs only and never reaches the kiosk.
    """

    status: ReplyStatus
    code: str
    result: dict[str, JsonScalar] = field(default_factory=dict)
    detail: str = ""


def ok(code: Code, result: dict[str, JsonScalar] | None = None) -> Outcome:
    return Outcome(ReplyStatus.OK, code.value, result or {})


def rejected(code: Code, result: dict[str, JsonScalar] | None = None, detail: str = "") -> Outcome:
    return Outcome(ReplyStatus.REJECTED, code.value, result or {}, detail)
