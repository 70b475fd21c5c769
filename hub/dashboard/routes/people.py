"""People: search, a person's history, corrections (staff) and merges (admin)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.dashboard import audit
from hub.dashboard.context import DashboardContext
from hub.dashboard.i18n import translator
from hub.dashboard.people import correct, merge, person_record, search
from hub.dashboard.staff_change import staff_change
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import (
    Web,
    admin_for_change,
    current_staff,
    now,
    render,
    request_lang,
    staff_for_change,
)

router = APIRouter()


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request, staff: Annotated[Staff, Depends(current_staff)], q: str = ""
) -> Response:
    with Web.of(request).sessions() as session:
        found = search(session, q)
    return render(request, "people.html", staff, q=q, found=found)


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    person_id: str,
    staff: Annotated[Staff, Depends(current_staff)],
    done: str = "",
) -> Response:
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        record = person_record(session, person_id)
    if record is None:
        return render(request, "people.html", staff, q=person_id, found=[], status_code=404)
    return render(
        request, "person.html", staff, record=record, message=t("done." + done) if done else ""
    )


@router.post("/people/{person_id}/correct")
def correct_person(
    request: Request,
    person_id: str,
    staff: Annotated[Staff, Depends(staff_for_change)],
    masked_name: Annotated[str, Form()],
    member: Annotated[bool, Form()] = False,
) -> Response:
    context: DashboardContext = request.app.state.context
    moment = now(request)
    with staff_change(context.sessions, context.publisher) as session:
        problem = correct(session, person_id, masked_name, member, moment)
        if problem is None:
            audit.record(
                session,
                staff.username,
                "person_correct",
                person_id,
                moment,
                detail={"member": member},
            )
    return RedirectResponse(
        f"/people/{quote(person_id)}?done={problem or 'corrected'}", status_code=303
    )


@router.post("/people/{person_id}/merge")
def merge_person(
    request: Request,
    person_id: str,
    staff: Annotated[Staff, Depends(admin_for_change)],
    absorb: Annotated[str, Form()],
) -> Response:
    context: DashboardContext = request.app.state.context
    moment = now(request)
    with staff_change(context.sessions, context.publisher) as session:
        problem = merge(session, person_id, absorb.strip(), moment)
        if problem is None:
            audit.record(
                session,
                staff.username,
                "person_merge",
                person_id,
                moment,
                detail={"absorbed": absorb.strip()},
            )
    return RedirectResponse(
        f"/people/{quote(person_id)}?done={problem or 'merged'}", status_code=303
    )
