"""Visitor and member registrations for staff to confirm.

The domain stores registrations as decided at the kiosk; confirming is a
staff review recorded in the dashboard's own ``dashboard_reviews`` table.
Visitors' names and phones are shown masked: staff confirm at the desk
with the person in front of them, not from the screen.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hub.dashboard import audit
from hub.dashboard.i18n import translator
from hub.dashboard.identity import masked_names, short_credential
from hub.dashboard.models import RegistrationReview
from hub.dashboard.params import RowId
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import Web, current_staff, now, render, request_lang, staff_for_change
from hub.domain.records import MemberRegistration, Organisation, Visitor
from protocol.masking import mask_name

router = APIRouter()
RECENT = 200


@router.get("/registrations", response_class=HTMLResponse)
def registrations_page(
    request: Request, staff: Annotated[Staff, Depends(current_staff)], done: str = ""
) -> Response:
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        reviews = {(r.kind, r.record_id): r for r in session.scalars(select(RegistrationReview))}
        visitors = session.scalars(select(Visitor).order_by(Visitor.id.desc()).limit(RECENT)).all()
        members = session.execute(
            select(MemberRegistration, Organisation)
            .join(Organisation, Organisation.id == MemberRegistration.organisation_id)
            .order_by(MemberRegistration.id.desc())
            .limit(RECENT)
        ).all()
        names = masked_names(session, [(m.credential_kind, m.credential) for m, _ in members])
    return render(
        request,
        "registrations.html",
        staff,
        visitors=[
            {
                "row": v,
                "name": mask_name(v.name),
                "phone": v.phone_masked,
                "review": reviews.get(("visitor", v.id)),
            }
            for v in visitors
        ],
        members=[
            {
                "row": m,
                "organisation": o,
                "who": names.get((m.credential_kind, m.credential))
                or short_credential(m.credential_kind, m.credential),
                "review": reviews.get(("member", m.id)),
            }
            for m, o in members
        ],
        message=t("done." + done) if done else "",
    )


@router.post("/registrations/{kind}/{record_id}/confirm")
def confirm(
    request: Request,
    kind: Literal["visitor", "member"],
    record_id: RowId,
    staff: Annotated[Staff, Depends(staff_for_change)],
) -> Response:
    moment = now(request)
    model = Visitor if kind == "visitor" else MemberRegistration
    try:
        with Web.of(request).sessions.begin() as session:
            if session.get(model, record_id) is None:
                return RedirectResponse("/registrations?done=refused", status_code=303)
            session.add(
                RegistrationReview(
                    kind=kind, record_id=record_id, reviewed_by=staff.username, reviewed_at=moment
                )
            )
            audit.record(
                session, staff.username, "registration_confirm", f"{kind}:{record_id}", moment
            )
    except IntegrityError:  # a colleague confirmed it a moment earlier
        return RedirectResponse("/registrations?done=already", status_code=303)
    return RedirectResponse("/registrations?done=confirmed", status_code=303)
