"""Staff accounts (admin), the audit log (admin), and changing one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from hub.dashboard import audit
from hub.dashboard.accounts import create_account, set_password, verify_login
from hub.dashboard.i18n import translator
from hub.dashboard.models import Role, StaffAccount
from hub.dashboard.params import RowId
from hub.dashboard.staff_sessions import Staff, close_all_sessions
from hub.dashboard.web import (
    Web,
    admin_for_change,
    admin_staff,
    current_staff,
    now,
    render,
    request_lang,
    staff_for_change,
)

router = APIRouter()


@router.get("/staff", response_class=HTMLResponse)
def staff_page(
    request: Request,
    staff: Annotated[Staff, Depends(admin_staff)],
    done: str = "",
    problem: str = "",
) -> Response:
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        accounts = session.scalars(select(StaffAccount).order_by(StaffAccount.username)).all()
        entries = audit.recent(session, 100)
    message = problem or (t("done." + done) if done else "")
    return render(
        request,
        "staff.html",
        staff,
        accounts=accounts,
        entries=entries,
        message=message,
        message_kind="bad" if problem else "ok",
    )


@router.post("/staff")
def add_account(
    request: Request,
    staff: Annotated[Staff, Depends(admin_for_change)],
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[Role, Form()] = Role.STAFF,
) -> Response:
    moment = now(request)
    with Web.of(request).sessions.begin() as session:
        made = create_account(session, username.strip(), password, role, moment)
        if not isinstance(made, str):
            audit.record(
                session,
                staff.username,
                "staff_create",
                made.username,
                moment,
                detail={"role": role.value},
            )
    if isinstance(made, str):
        return render(request, "forbidden.html", staff, status_code=400, reason=made)
    return RedirectResponse("/staff?done=account_created", status_code=303)


@router.post("/staff/{account_id}/active")
def set_active(
    request: Request,
    account_id: RowId,
    staff: Annotated[Staff, Depends(admin_for_change)],
    active: Annotated[bool, Form()] = False,
) -> Response:
    """Disable (signs the account out everywhere) or enable an account; never one's own."""
    moment = now(request)
    with Web.of(request).sessions.begin() as session:
        account = session.get(StaffAccount, account_id)
        if account is None or account.id == staff.id:
            return RedirectResponse("/staff?done=refused", status_code=303)
        account.active = active
        if not active:
            close_all_sessions(session, account.id)
        audit.record(
            session,
            staff.username,
            "staff_enable" if active else "staff_disable",
            account.username,
            moment,
        )
    return RedirectResponse("/staff?done=saved", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request, staff: Annotated[Staff, Depends(current_staff)], done: str = ""
) -> Response:
    t = translator(request_lang(request))
    return render(request, "account.html", staff, message=t("done." + done) if done else "")


@router.post("/account/password")
def change_password(
    request: Request,
    staff: Annotated[Staff, Depends(staff_for_change)],
    current: Annotated[str, Form()],
    new: Annotated[str, Form()],
) -> Response:
    moment = now(request)
    with Web.of(request).sessions.begin() as session:
        account = verify_login(session, staff.username, current)
        problem = "wrong_password" if account is None else set_password(account, new, moment)
        if problem is None:
            audit.record(session, staff.username, "password_change", staff.username, moment)
    return RedirectResponse(
        f"/account?done={'password_changed' if problem is None else 'refused'}", status_code=303
    )
