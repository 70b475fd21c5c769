"""Services: the queue of 红色代办 requests; staff move them on with notes.

Moves go through ``hub.domain.service_request.move`` so the allowed
transitions (submitted → accepted → done, or declined) are the domain's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from hub.dashboard import audit
from hub.dashboard.i18n import translator
from hub.dashboard.identity import masked_names, short_credential
from hub.dashboard.params import RowId
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import Web, current_staff, now, render, request_lang, staff_for_change
from hub.domain.records import ServiceItem, ServiceRequest, ServiceRequestStatus
from hub.domain.service_request import ALLOWED_MOVES, move

router = APIRouter()
OPEN = (ServiceRequestStatus.SUBMITTED.value, ServiceRequestStatus.ACCEPTED.value)


@router.get("/services", response_class=HTMLResponse)
def services_page(
    request: Request,
    staff: Annotated[Staff, Depends(current_staff)],
    show: str = "open",
    done: str = "",
) -> Response:
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        query = select(ServiceRequest, ServiceItem).join(
            ServiceItem, ServiceItem.id == ServiceRequest.service_id
        )
        if show == "open":
            query = query.where(ServiceRequest.status.in_(OPEN)).order_by(ServiceRequest.created_at)
        else:
            query = query.order_by(ServiceRequest.changed_at.desc()).limit(200)
        rows = session.execute(query).all()
        names = masked_names(session, [(r.credential_kind, r.credential) for r, _ in rows])
    items = [
        {
            "row": row,
            "item": item,
            "who": names.get((row.credential_kind, row.credential))
            or short_credential(row.credential_kind, row.credential),
            "moves": sorted(
                (m.value for m in ALLOWED_MOVES[ServiceRequestStatus(row.status)]),
                key=lambda move_to: move_to == ServiceRequestStatus.DECLINED.value,
            ),
        }
        for row, item in rows
    ]
    return render(
        request,
        "services.html",
        staff,
        items=items,
        show=show,
        message=t("done." + done) if done else "",
    )


@router.post("/services/{request_id}/move")
def move_request(
    request: Request,
    request_id: RowId,
    staff: Annotated[Staff, Depends(staff_for_change)],
    to: Annotated[ServiceRequestStatus, Form()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    moment = now(request)
    with Web.of(request).sessions.begin() as session:
        outcome = move(session, request_id, to, note.strip(), moment)
        if not isinstance(outcome, str):
            audit.record(
                session,
                staff.username,
                "service_move",
                f"service_request:{request_id}",
                moment,
                detail={"to": to.value},
            )
    return RedirectResponse(
        f"/services?done={'refused' if isinstance(outcome, str) else 'moved'}", status_code=303
    )
