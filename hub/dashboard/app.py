"""The dashboard's ASGI app: routes per page, static files, error pages.

Built from a ``DashboardContext`` so the same app serves inside the hub
process, in the screenshot tool and in tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.dashboard.bad_input import BAD_REQUESTS, invalid_request
from hub.dashboard.context import DashboardContext
from hub.dashboard.routes import (
    fleet,
    login,
    people,
    registrations,
    reports,
    rooms,
    services,
    staff_admin,
    today,
)
from hub.dashboard.staff_sessions import SessionCookies, load_secret
from hub.dashboard.web import Forbidden, LoginRequired, Web, render

STATIC = Path(__file__).parent / "static"


def build_app(context: DashboardContext) -> FastAPI:
    """One app per hub; ``context`` is stored on ``app.state`` for the routes."""
    app = FastAPI(title="Lianxin dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    secret = load_secret(context.base_dir / context.settings.session_secret_file)
    app.state.context = context
    app.state.web = Web(context.sessions, SessionCookies(secret), context.clock)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        login,
        fleet,
        today,
        rooms,
        reports,
        people,
        services,
        registrations,
        staff_admin,
    ):
        app.include_router(module.router)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    context.metrics.describe(BAD_REQUESTS, "Dashboard requests refused as invalid, by page")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: object) -> Response:
        response: Response = await call_next(request)  # type: ignore[operator]
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        )
        return response

    return app


async def _to_login(request: Request, _exc: Exception) -> Response:
    target = request.url.path
    if request.method != "GET" or target.startswith("/login"):
        target = "/"
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    """An unknown address is a page in the staff member's language, not FastAPI's JSON."""
    if isinstance(exc, StarletteHTTPException) and exc.status_code == 404:
        return render(request, "not_found.html", None, status_code=404)
    return await http_exception_handler(request, cast(StarletteHTTPException, exc))


async def _forbidden(request: Request, exc: Exception) -> HTMLResponse:
    reason = exc.reason if isinstance(exc, Forbidden) else "forbidden"
    return render(request, "forbidden.html", None, status_code=403, reason=reason)
