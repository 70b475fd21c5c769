"""A request whose address or form the dashboard cannot use: a readable page, logged, counted.

FastAPI's own answer is a JSON list meant for programs; staff get a page
in their language that names each field and what was wrong with it (never
the value they sent), with a way back. Nothing was read or changed: the
checks run before a page touches the database.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse

from hub.dashboard.context import DashboardContext
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import LoginRequired, current_staff, render

log = logging.getLogger(__name__)

BAD_REQUESTS = "lianxin_hub_dashboard_bad_requests_total"
MAX_PROBLEMS = 5
MAX_FIELD_CHARS = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# pydantic's error types, by what staff are told (catalogue keys "invalid.<kind>").
_KINDS = {
    "day_out_of_range": "day_out_of_range",
    "unknown_station": "unknown_station",
    "missing": "missing",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "int_parsing": "not_a_number",
    "int_from_float": "not_a_number",
    "int_type": "not_a_number",
    "date_parsing": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
    "date_from_datetime_inexact": "not_a_date",
    "date_type": "not_a_date",
    "literal_error": "not_allowed",
    "enum": "not_allowed",
    "bool_parsing": "not_allowed",
    "string_too_long": "too_long",
}


async def invalid_request(request: Request, exc: Exception) -> HTMLResponse:
    """The app's handler for ``RequestValidationError``: a 422 page, a warning, a count."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    problems = describe(errors)
    page = getattr(request.scope.get("route"), "path", "?")  # the template, not the input
    context: DashboardContext = request.app.state.context
    context.metrics.inc(BAD_REQUESTS, page=page)
    try:
        staff: Staff | None = await run_in_threadpool(current_staff, request)
    except LoginRequired:
        staff = None
    log.warning(
        "refused %s %s from %s: %s",
        request.method,
        page,
        staff.username if staff else "-",
        ", ".join(f"{field} {kind}" for field, kind in problems),
        extra={"event": "dashboard_bad_request"},
    )
    back = request.url.path if request.method == "GET" else "/fleet"
    return render(request, "invalid.html", staff, status_code=422, problems=problems, back=back)


def describe(errors: Sequence[Any]) -> list[tuple[str, str]]:
    """(field, kind) for at most ``MAX_PROBLEMS`` errors; a kind has a catalogue text."""
    problems = []
    for error in errors[:MAX_PROBLEMS]:
        location = [
            str(part) for part in error.get("loc", ()) if part not in {"query", "path", "body"}
        ]
        field = _CONTROL.sub("?", ".".join(location))[:MAX_FIELD_CHARS] or "?"
        problems.append((field, _KINDS.get(str(error.get("type")), "invalid")))
    return problems
