"""What the hub decides for each request type, inside the caller's transaction.

A decision writes its rows with the given session and returns an Outcome;
the inbox commits both together, so a request either took full effect
(and has a stored reply) or none at all. The rules themselves live in
``hub.domain``, one module per part of the centre's work; this module
only routes a request to its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.domain.activity import sign_up, withdraw
from hub.domain.booking import cancel_booking, create_booking
from hub.domain.check_in import record_check_in
from hub.domain.clock import PEOPLE_TZ
from hub.domain.outcome import Outcome
from hub.domain.registration import register_member, register_visitor
from hub.domain.service_request import submit
from protocol.messages import MessageType, Request

__all__ = ["PEOPLE_TZ", "Decision", "Outcome", "decide"]

Decision = Callable[[Session, Request, datetime], Outcome]

# Each handler takes its own request model; the table is keyed by the type
# the envelope already validated, so the pairing cannot drift.
_HANDLERS: dict[MessageType, Callable[[Session, Any, datetime], Outcome]] = {
    MessageType.CHECK_IN: record_check_in,
    MessageType.BOOKING_CREATE: create_booking,
    MessageType.BOOKING_CANCEL: cancel_booking,
    MessageType.SIGNUP_CREATE: sign_up,
    MessageType.SIGNUP_WITHDRAW: withdraw,
    MessageType.SERVICE_REQUEST: submit,
    MessageType.VISITOR_REGISTER: register_visitor,
    MessageType.MEMBER_REGISTER: register_member,
}


def decide(session: Session, request: Request, received_at: datetime) -> Outcome:
    """Apply ``request``; ``received_at`` (hub clock, UTC) is the time rules use."""
    return _HANDLERS[request.type](session, request, received_at)
