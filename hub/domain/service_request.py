"""Service requests (红色代办): submitted at a kiosk, then worked on by staff.

Staff move a request submitted → accepted → done, or decline it, with a
note; the transitions are functions here so the dashboard and tests use
the same rules. Anything else is a refused move, returned as a value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.domain.outcome import Code, Outcome, ok, rejected
from hub.domain.records import ServiceItem, ServiceRequest, ServiceRequestStatus
from protocol.messages import ServiceRequestRequest

Status = ServiceRequestStatus

ALLOWED_MOVES: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset({Status.DONE, Status.DECLINED}),
    Status.DONE: frozenset(),
    Status.DECLINED: frozenset(),
}


def submit(session: Session, request: ServiceRequestRequest, now: datetime) -> Outcome:
    """Record a request for an active catalogue service; unknown ones are ``not_available``."""
    body = request.body
    item = session.get(ServiceItem, body.service_id)
    if item is None or not item.active:
        return rejected(Code.NOT_AVAILABLE, {"service_id": body.service_id})
    row = ServiceRequest(
        request_id=request.id,
        service_id=item.id,
        station=request.station,
        kiosk=request.kiosk,
        credential_kind=body.credential.kind.value,
        credential=body.credential.value,
        note=body.note,
        status=Status.SUBMITTED.value,
        staff_note="",
        created_at=now,
        changed_at=now,
    )
    session.add(row)
    session.flush()
    return ok(
        Code.SERVICE_REQUESTED,
        {
            "service_request_id": row.id,
            "service_id": item.id,
            "title_zh": item.title_zh,
            "title_en": item.title_en,
            "state": row.status,
        },
    )


def move(
    session: Session, request_id: int, to: Status, staff_note: str, now: datetime
) -> ServiceRequest | str:
    """Staff move a request on; returns the row, or why the move is refused."""
    row = session.get(ServiceRequest, request_id, with_for_update=True)
    if row is None:
        return f"no service request {request_id}"
    current = Status(row.status)
    if to not in ALLOWED_MOVES[current]:
        return f"cannot go from {current.value} to {to.value}"
    row.status = to.value
    if staff_note:
        row.staff_note = f"{row.staff_note}\n{staff_note}".strip()
    row.changed_at = now
    session.flush()
    return row
