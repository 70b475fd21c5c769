"""What every page and action needs: the hub context, the signed-in staff, CSRF, rendering.

Pages run as plain ``def`` routes (FastAPI puts them on its thread pool)
because SQLAlchemy sessions here are synchronous. Changes are POSTs that
must carry the session's CSRF token (a synchroniser token kept in the
session row); a POST without it is refused before anything happens.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from hub.dashboard.i18n import LANG_COOKIE, Lang, duration, lang_of, local_time, pick, translator
from hub.dashboard.staff_sessions import COOKIE, SessionCookies, Staff, find_staff
from hub.domain.clock import utc_now

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """No live session: the app answers with a redirect to the login page."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this (or the CSRF token is wrong)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Web:
    """Per-app state the routes share (set on ``app.state.web``)."""

    sessions: sessionmaker[Session]
    cookies: SessionCookies
    clock: Callable[[], datetime] = utc_now

    @staticmethod
    def of(request: Request) -> Web:
        web: Web = request.app.state.web
        return web


def now(request: Request) -> datetime:
    """The dashboard's time: the hub's clock (a demo's fixed afternoon for screenshots)."""
    return Web.of(request).clock()


def current_staff(request: Request) -> Staff:
    """Dependency for every page: the signed-in staff member, or a redirect to /login."""
    web = Web.of(request)
    token = web.cookies.token(request.cookies.get(COOKIE))
    if token is None:
        raise LoginRequired
    with web.sessions.begin() as session:
        staff = find_staff(session, token, now(request))
    if staff is None:
        raise LoginRequired
    return staff


def admin_staff(request: Request) -> Staff:
    staff = current_staff(request)
    if not staff.is_admin:
        raise Forbidden("admin role required")
    return staff


async def staff_for_change(request: Request) -> Staff:
    """Dependency for every POST: a live session and its CSRF token, or refused."""
    staff = current_staff(request)
    form = await request.form()  # parsed once; FastAPI's Form() params reuse it
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not isinstance(sent, str) or not hmac.compare_digest(sent, staff.csrf_token):
        raise Forbidden("missing or wrong CSRF token")
    return staff


async def admin_for_change(request: Request) -> Staff:
    staff = await staff_for_change(request)
    if not staff.is_admin:
        raise Forbidden("admin role required")
    return staff


def request_lang(request: Request) -> Lang:
    return lang_of(request.cookies.get(LANG_COOKIE))


def render(
    request: Request, template: str, staff: Staff | None, status_code: int = 200, **values: Any
) -> HTMLResponse:
    """Render ``template`` with the language, the staff member and the helpers every page uses."""
    lang = request_lang(request)
    context: dict[str, Any] = {
        "request": request,
        "staff": staff,
        "lang": lang,
        "t": translator(lang),
        "pick": lambda zh, en: pick(lang, zh, en),
        "local": local_time,
        "ago": lambda seconds: duration(seconds, lang),
        "csrf": staff.csrf_token if staff else "",
        "path": request.url.path,
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
