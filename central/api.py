"""Central's HTTP application: routes, authentication, and answers to bad input.

Bad input is always a 4xx whose ``detail`` is one sentence: a body that is
not strict JSON, or not what the call takes, is a 422 (the models in
``central.schemas`` are strict about lengths, patterns and time ranges;
``central.bad_requests`` words, logs and counts these), a missing or
unknown token 401, a body over the limit 413. A 5xx means central itself
is in trouble; a busy or unreachable database is a 503, which hubs retry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from central import bad_requests
from central.auth import HubIdentity, TokenBook
from central.body_limit import BodyLimit
from central.metrics import CONTENT_TYPE
from config.metrics import Metrics

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 16 * 1024 * 1024
UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}

_hub_bearer = HTTPBearer(
    auto_error=False, scheme_name="hubToken", description="a hub's own bearer token"
)
_admin_bearer = HTTPBearer(
    auto_error=False, scheme_name="adminToken", description="central's admin token"
)


@dataclass(frozen=True)
class CentralContext:
    sessions: sessionmaker[Session]
    tokens: TokenBook


def create_app(context: CentralContext | None) -> FastAPI:
    """The application; ``context`` may be None only to render the OpenAPI description."""
    from central.routes_admin import router as admin_router  # noqa: PLC0415 - they import us
    from central.routes_hub import router as hub_router  # noqa: PLC0415

    app = FastAPI(
        title="Lianxin central records",
        version="1.0.0",
        description=(
            "Hubs push their records here and pull the roster, rooms, activities, the "
            "service catalogue and online bookings. Every call needs a bearer token."
        ),
    )
    counters = Metrics()
    app.state.context = context
    app.add_middleware(
        BodyLimit,
        max_bytes=MAX_BODY_BYTES,
        on_refused=bad_requests.too_large(counters, MAX_BODY_BYTES),
    )
    app.include_router(hub_router, prefix=API_PREFIX)
    app.include_router(admin_router, prefix=API_PREFIX + "/admin")
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(RequestValidationError, bad_requests.install(counters))

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> dict[str, bool]:
        """200 when the database answers; 503 otherwise."""
        with context_of(request).sessions() as session:
            session.execute(text("SELECT 1"))
        return {"ok": True}

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> PlainTextResponse:
        """Counters for Prometheus; like /healthz, served without a token."""
        return PlainTextResponse(counters.render(), media_type=CONTENT_TYPE)

    return app


def context_of(request: Request) -> CentralContext:
    context: CentralContext | None = request.app.state.context
    if context is None:
        raise HTTPException(503, "central is not configured")
    return context


def require_hub(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_hub_bearer)],
) -> HubIdentity:
    """The calling hub, or a 401."""
    if credentials is None:
        raise HTTPException(401, "a bearer token is required", headers=UNAUTHORIZED)
    hub = context_of(request).tokens.hub_for(credentials.credentials)
    if hub is None:
        raise HTTPException(401, "unknown token", headers=UNAUTHORIZED)
    return hub


def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_admin_bearer)],
) -> None:
    if credentials is None:
        raise HTTPException(401, "a bearer token is required", headers=UNAUTHORIZED)
    if not context_of(request).tokens.is_admin(credentials.credentials):
        raise HTTPException(401, "not the admin token", headers=UNAUTHORIZED)


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", exc, extra={"event": "central_db_unavailable"})
    return JSONResponse(
        {"detail": "the database is unavailable; try again"},
        status_code=503,
        headers={"Retry-After": "5"},
    )
