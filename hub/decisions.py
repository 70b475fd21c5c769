"""What the hub decides for each request type, inside the caller's transaction.

A decision writes its rows with the given session and returns an Outcome;
the inbox commits both together, so a request either took full effect
(and has a stored reply) or none at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.models import CheckIn
from protocol.messages import CheckInRequest, Request
from protocol.replies import JsonScalar, ReplyStatus

PEOPLE_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Outcome:
    status: ReplyStatus
    code: str
    result: dict[str, JsonScalar] = field(default_factory=dict)
    detail: str = ""


Decision = Callable[[Session, Request, datetime], Outcome]


def decide(session: Session, request: Request, received_at: datetime) -> Outcome:
    """Apply ``request``; ``received_at`` (hub clock, UTC) is the time rules use."""
    if isinstance(request, CheckInRequest):
        return record_check_in(session, request, received_at)
    # Bookings, sign-ups, services and registrations arrive with the domain
    # work (issue 6); until then the hub says so plainly instead of pretending.
    return Outcome(ReplyStatus.REJECTED, "not_available", detail=f"{request.type} not yet handled")


def record_check_in(session: Session, request: CheckInRequest, received_at: datetime) -> Outcome:
    body = request.body
    row = CheckIn(
        request_id=request.id,
        station=request.station,
        kiosk=request.kiosk,
        credential_kind=body.credential.kind.value,
        credential=body.credential.value,
        purpose=body.purpose,
        activity_id=body.activity_id,
        read_at=body.read_at,
        received_at=received_at,
    )
    session.add(row)
    session.flush()
    year_start = datetime(received_at.astimezone(PEOPLE_TZ).year, 1, 1, tzinfo=PEOPLE_TZ)
    visits = session.scalar(
        select(func.count())
        .select_from(CheckIn)
        .where(
            CheckIn.credential_kind == row.credential_kind,
            CheckIn.credential == row.credential,
            CheckIn.received_at >= year_start,
        )
    )
    return Outcome(
        ReplyStatus.OK,
        "checked_in",
        {"check_in_id": row.id, "visits_this_year": int(visits or 0)},
    )
