"""Bad requests: bodies parsed strictly, answered in one sentence, logged and counted.

FastAPI's own answers to a body it cannot use echo the input back (a 1 MB
text body came back as a 1 MB 422, a thousand bad items as a thousand
errors) or, for bytes that are not UTF-8 or nest too deeply, are a bare
400; and none of them left a trace. Here every such request gets a 422
``Problem``: one sentence of at most ``MAX_DETAIL_CHARS`` characters, one
log line naming the caller, one count on ``/metrics``.

Bodies must be strict JSON (RFC 8259): UTF-8, and no ``NaN`` or
``Infinity``, which Python's parser accepts but which would be stored as
text no JSON reader (nor PostgreSQL's jsonb) takes back.
"""

from __future__ import annotations

import enum
import json
import logging
import math
import re
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import Scope

from central.metrics import BAD_REQUESTS
from config.metrics import Metrics

log = logging.getLogger(__name__)

MAX_DETAIL_CHARS = 300
MAX_LOCATION_PART_CHARS = 40
MAX_PATH_CHARS = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Reason(enum.StrEnum):
    """Why a request was refused: the ``reason`` label of the counter."""

    NOT_JSON = "not_json"  # a body that is not sent as application/json
    JSON_INVALID = "json_invalid"  # not UTF-8, not JSON, NaN/Infinity, nested too deeply
    SCHEMA = "schema"  # JSON, but not what the call takes (or a bad query / path value)
    TOO_LARGE = "too_large"  # a body over the size limit (413)


class StrictJsonRoute(APIRoute):
    """A route whose JSON body is parsed by ``parse_json`` instead of ``json.loads``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict


def parse_json(body: bytes) -> Any:
    """``body`` as JSON, or a ``json.JSONDecodeError`` whose ``msg`` says what is wrong.

    FastAPI turns that error into a ``RequestValidationError`` of type
    ``json_invalid``, so every body it cannot parse reaches ``refuse``.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("not UTF-8 text", "", exc.start) from exc
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except _NotFinite as exc:
        raise json.JSONDecodeError(str(exc), "", 0) from exc
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply", "", 0) from exc


def install(counters: Metrics) -> Callable[[Request, Exception], Coroutine[Any, Any, Response]]:
    """The app's handler for ``RequestValidationError``, counting on ``counters``."""
    counters.describe(BAD_REQUESTS, "Requests refused as malformed, by caller and reason")

    async def refuse(request: Request, exc: Exception) -> Response:
        if caller_of(request) == "unknown":
            # FastAPI reads the body before the route's token check runs: a
            # caller without a valid token learns nothing about what it sent.
            has_token = request.headers.get("authorization", "").lower().startswith("bearer ")
            detail = "unknown token" if has_token else "a bearer token is required"
            return JSONResponse(
                {"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        reason, detail = explain(errors)
        note(counters, request, reason, detail)
        return JSONResponse({"detail": detail}, status_code=422)

    return refuse


def too_large(counters: Metrics, max_bytes: int) -> Callable[[Scope], None]:
    """The body limit's ``on_refused``: a 413 is logged and counted like a 422."""

    def refused(scope: Scope) -> None:
        note(counters, Request(scope), Reason.TOO_LARGE, f"request body over {max_bytes} bytes")

    return refused


def note(counters: Metrics, request: Request, reason: Reason, detail: str) -> None:
    """Count and log one refused request, naming its caller (never echoing its body)."""
    caller = caller_of(request)
    counters.inc(BAD_REQUESTS, caller=caller, reason=reason.value)
    path = _clean(request.url.path)[:MAX_PATH_CHARS]  # a path is input too
    log.warning(
        "refused %s %s from %s: %s",
        request.method,
        path,
        caller,
        detail,
        extra={"event": "central_bad_request", "hub": caller, "code": reason.value},
    )


def explain(errors: Sequence[Any]) -> tuple[Reason, str]:
    """The reason and one sentence for a request's validation errors; never echoes the input."""
    if not errors:
        return Reason.SCHEMA, "the request is not valid"
    first = errors[0]
    location = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        problem = _clean(str(first.get("ctx", {}).get("error", "malformed")))
        at = location[-1] if location else 0
        return Reason.JSON_INVALID, f"the body is not valid JSON: {problem} (at position {at})"
    if location == ("body",) and isinstance(first.get("input"), bytes):
        return Reason.NOT_JSON, "the body must be JSON, sent with Content-Type: application/json"
    where = ".".join(_clean(str(part))[:MAX_LOCATION_PART_CHARS] for part in location)
    sentence = f"{where or 'request'}: {_clean(str(first.get('msg', 'invalid')))}"
    if len(errors) > 1:
        sentence += f" (and {len(errors) - 1} more problems)"
    return Reason.SCHEMA, _cap(sentence)


def caller_of(request: Request) -> str:
    """Who sent ``request``: a hub's id, ``admin``, or ``unknown`` (no or a wrong token)."""
    context = request.app.state.context
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if context is None or scheme.lower() != "bearer" or not token:
        return "unknown"
    hub = context.tokens.hub_for(token)
    if hub is not None:
        return str(hub.id)
    return "admin" if context.tokens.is_admin(token) else "unknown"


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json


class _NotFinite(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NotFinite(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(f"{text[:20]} is too large for a number")
    return value


def _clean(text: str) -> str:
    return _CONTROL.sub("?", text)


def _cap(text: str) -> str:
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"
