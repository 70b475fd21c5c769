"""A person's recent requests and their answers, read back from the outbox.

The outbox keeps every request with the hub's reply once it arrives, so it
is also the kiosk's memory of "what happened to my booking": a person who
booked while the hub was unreachable sees the answer at their next scan.
This module opens its own read-only connection to the outbox database (WAL
lets it read while the link writes) and never changes a row.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from protocol.codec import decode_request
from protocol.errors import ProtocolError
from protocol.messages import Credential, Request
from protocol.replies import JsonScalar

_QUERY = """
SELECT request_id, type, topic, payload, created_at, reply_status, reply_code, reply_json
FROM outbox
WHERE type != 'check_in'
  AND created_at >= ?
  AND json_extract(payload, '$.body.credential.kind') = ?
  AND json_extract(payload, '$.body.credential.value') = ?
ORDER BY seq DESC
LIMIT ?
"""

_RECENT = """
SELECT seq, type, created_at, reply_status FROM outbox ORDER BY seq DESC LIMIT ?
"""


@dataclass(frozen=True)
class PastRequest:
    """One stored request of a person's, with the hub's answer when there is one."""

    request: Request
    created_at: datetime
    status: str | None  # None: still waiting for the hub
    code: str
    message: str
    result: dict[str, JsonScalar]


class RequestHistory:
    def __init__(self, outbox_path: Path) -> None:
        self._path = outbox_path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def for_credential(
        self, credential: Credential, *, days: int = 30, limit: int = 20
    ) -> list[PastRequest]:
        """This credential's non-check-in requests of the last ``days``, newest first."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        rows = self._query(_QUERY, (since, credential.kind.value, credential.value, limit))
        found: list[PastRequest] = []
        for _rid, _type, topic, payload, created, status, code, reply_json in rows:
            request = decode_request(str(topic), bytes(payload))
            if isinstance(request, ProtocolError):  # written by this kiosk: never expected
                continue
            message, result = "", {}
            if reply_json:
                reply = json.loads(reply_json)
                message = str(reply.get("message", ""))
                result = dict(reply.get("result") or {})
            found.append(
                PastRequest(
                    request=request,
                    created_at=datetime.fromisoformat(str(created)),
                    status=str(status) if status else None,
                    code=str(code or ""),
                    message=message,
                    result=result,
                )
            )
        return found

    def latest(self, limit: int = 8) -> list[tuple[int, str, datetime, str]]:
        """(seq, type, created_at, status or "waiting") of the newest requests, for staff."""
        rows = self._query(_RECENT, (limit,))
        return [
            (int(seq), str(kind), datetime.fromisoformat(str(created)), str(status or "waiting"))
            for seq, kind, created, status in rows
        ]

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        if not self._path.exists():
            return []
        with self._lock:
            if self._db is None:
                self._db = sqlite3.connect(
                    f"file:{self._path}?mode=ro", uri=True, check_same_thread=False
                )
            return list(self._db.execute(sql, params).fetchall())
