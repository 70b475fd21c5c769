"""Signing in and out, and the language switch.

The login form is protected against cross-site posting by a double-submit
token (a random cookie the form must repeat), since there is no session
yet to hold a synchroniser token. Failed logins are audited by user name
only; the password is never logged.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.dashboard import audit
from hub.dashboard.accounts import verify_login
from hub.dashboard.i18n import LANG_COOKIE, LANGS
from hub.dashboard.staff_sessions import COOKIE, LIFETIME, Staff, close_session, open_session
from hub.dashboard.web import CSRF_FIELD, Web, now, render, staff_for_change

router = APIRouter()
LOGIN_CSRF_COOKIE = "lianxin_login_csrf"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=_safe_next(next), login_csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return render(request, "forbidden.html", None, status_code=403, reason="CSRF")
    web = Web.of(request)
    moment = now(request)
    with web.sessions.begin() as session:
        account = verify_login(session, username.strip(), password)
        if account is None:
            audit.record(session, username.strip()[:40], "login_failed", "-", moment)
            token = None
        else:
            token = open_session(session, account, moment)
            audit.record(session, account.username, "login", "-", moment)
    if token is None:
        fresh = secrets.token_urlsafe(24)
        response = render(
            request,
            "login.html",
            None,
            status_code=401,
            next=_safe_next(next),
            login_csrf=fresh,
            failed=True,
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", path="/login"
        )
        return response
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        COOKIE,
        web.cookies.sign(token),
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return redirect


@router.post("/logout")
def logout(request: Request, staff: Annotated[Staff, Depends(staff_for_change)]) -> Response:
    web = Web.of(request)
    token = web.cookies.token(request.cookies.get(COOKIE))
    with web.sessions.begin() as session:
        if token is not None:
            close_session(session, token)
        audit.record(session, staff.username, "logout", "-", now(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Remember the language in a cookie and go back to the page the switch was on."""
    referer = request.headers.get("referer", "/")
    back = urlsplit(referer)
    target = _safe_next(back.path + (f"?{back.query}" if back.query else ""))
    response = RedirectResponse(target, status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response


def _safe_next(target: str) -> str:
    """Only paths on this site: an open redirect would help phishing."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
