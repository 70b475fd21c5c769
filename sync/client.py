"""Calls to central over HTTP with ``requests``; failures come back as values.

One ``requests.Session`` per client (keep-alive, one TLS handshake), a
timeout on every call, the hub's bearer token on every call. The client
itself never retries: it says whether a failure is worth retrying
(connection errors, timeouts, 429 and 5xx) or not (other 4xx: resending
the same request cannot help), and the caller decides when to try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from sync.wire import BatchAnswer, FeedPage, ItemOutcome, OnlineBooking, PendingBookings

A = TypeVar("A", bound=BaseModel)


@dataclass(frozen=True)
class CallFailure:
    """A call that did not get a usable answer."""

    reason: str
    retryable: bool
    status: int | None = None  # HTTP status when central answered

    @property
    def refused_as_malformed(self) -> bool:
        """Central understood the call and refused its content (not auth, not routing)."""
        return self.status in (400, 413, 422)


class CentralClient:
    def __init__(
        self, url: str, token: str, *, timeout_s: float, tls_ca_file: Path | None = None
    ) -> None:
        self._url = url.rstrip("/")
        self._timeout_s = timeout_s
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._session.headers["User-Agent"] = "lianxin-hub-sync/1"
        # A private CA for central's certificate, else the system's trust store.
        self._session.verify = str(tls_ca_file) if tls_ca_file is not None else True

    def close(self) -> None:
        self._session.close()

    def push(self, items: list[str]) -> list[ItemOutcome] | CallFailure:
        """Send one batch of outbox records, each already one JSON object (text).

        The body is the items joined as they are: the hub does not parse and
        re-serialise records it serialised itself. Central's answer for each,
        by index.
        """
        body = ('{"items":[' + ",".join(items) + "]}").encode()
        answer = self._call("POST", "/events", BatchAnswer, body=body)
        return answer if isinstance(answer, CallFailure) else answer.results

    def feed(self, name: str, cursor: str, limit: int) -> FeedPage | CallFailure:
        params = {"cursor": cursor, "limit": str(limit)}
        return self._call("GET", f"/feeds/{name}", FeedPage, params=params)

    def pending_bookings(self, limit: int) -> list[OnlineBooking] | CallFailure:
        params = {"limit": str(limit)}
        answer = self._call("GET", "/online-bookings/pending", PendingBookings, params=params)
        return answer if isinstance(answer, CallFailure) else answer.items

    def post_decision(self, booking_id: int, decision: dict[str, Any]) -> CallFailure | None:
        """Tell central how the hub decided an online booking; None when stored."""
        path = f"/online-bookings/{booking_id}/decision"
        answer = self._call("POST", path, OnlineBooking, json=decision)
        return answer if isinstance(answer, CallFailure) else None

    def _call(
        self,
        method: str,
        path: str,
        answer_model: type[A],
        *,
        json: dict[str, Any] | None = None,
        body: bytes | None = None,
        params: dict[str, str] | None = None,
    ) -> A | CallFailure:
        headers = {"Content-Type": "application/json"} if body is not None else None
        try:
            response = self._session.request(
                method,
                self._url + path,
                json=json,
                data=body,
                headers=headers,
                params=params,
                timeout=self._timeout_s,
            )
        except requests.RequestException as exc:
            return CallFailure(f"{method} {path}: {type(exc).__name__}: {exc}", retryable=True)
        status = response.status_code
        if status >= 400:
            detail = _detail(response)
            retryable = status == 429 or status >= 500
            return CallFailure(f"{method} {path}: {status} {detail}", retryable, status)
        try:
            return answer_model.model_validate_json(response.content)
        except ValidationError as exc:
            # A 2xx we cannot read (a proxy's error page, a broken central): try later.
            return CallFailure(
                f"{method} {path}: unreadable answer: {exc.errors()[0]['msg']}", True, status
            )


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    detail = body.get("detail") if isinstance(body, dict) else body
    return str(detail)[:300]
