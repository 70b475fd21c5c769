"""Exactly-once effect over at-least-once delivery.

``Inbox.accept`` runs one request in one transaction: it claims the request
id in the ``inbox`` table, applies the decision, stores the reply, and
commits. A copy of a request that was already committed gets the stored
reply back (marked ``duplicate``) and changes nothing, across hub restarts
and across hub workers, because the claim is the table's primary key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.decisions import decide
from hub.models import InboxEntry, SyncEvent
from hub.wording import message_for
from protocol.codec import encode
from protocol.messages import Request
from protocol.replies import JsonScalar, Reply, ReplyStatus

log = logging.getLogger(__name__)
CLOCK_SKEW_WARNING = timedelta(minutes=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Accepted:
    reply: Reply
    duplicate: bool


class Inbox:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def accept(self, request: Request) -> Accepted:
        """Apply ``request`` once; durable (committed) when this returns."""
        stored = self._stored_reply(request)
        if stored is not None:
            return Accepted(stored, duplicate=stored.duplicate)
        received_at = self._clock()
        self._note_clock_skew(request, received_at)
        try:
            with self._sessions.begin() as session:
                entry = InboxEntry(
                    request_id=request.id,
                    station=request.station,
                    kiosk=request.kiosk,
                    seq=request.seq,
                    type=request.type.value,
                    kiosk_time=request.kiosk_time,
                    received_at=received_at,
                    status="",
                    code="",
                    reply_json="",
                )
                session.add(entry)
                session.flush()  # claims the id now: a concurrent twin fails here
                outcome = decide(session, request, received_at)
                reply = reply_to(request, outcome.status, outcome.code, received_at, outcome.result)
                entry.status = outcome.status.value
                entry.code = outcome.code
                entry.reply_json = encode(reply).decode("utf-8")
                if outcome.status == ReplyStatus.OK:
                    session.add(sync_event_for(request, reply))
        except IntegrityError:
            # Another worker (or an earlier attempt) committed the same id first.
            stored = self._stored_reply(request)
            if stored is None:
                raise
            return Accepted(stored, duplicate=stored.duplicate)
        return Accepted(reply, duplicate=False)

    def _stored_reply(self, request: Request) -> Reply | None:
        with self._sessions() as session:
            entry = session.get(InboxEntry, request.id)
            if entry is None:
                return None
            if (entry.station, entry.kiosk) != (request.station, request.kiosk):
                # Same id from another kiosk: not a retry. Never leak the other reply.
                log.warning(
                    "request id reused by another kiosk",
                    extra={
                        "event": "id_conflict",
                        "station": request.station,
                        "kiosk": request.kiosk,
                        "request_id": request.id,
                    },
                )
                return reply_to(request, ReplyStatus.ERROR, "id_conflict", self._clock())
            original = Reply.model_validate_json(entry.reply_json)
            return original.model_copy(update={"duplicate": True})

    def _note_clock_skew(self, request: Request, received_at: datetime) -> None:
        skew = request.kiosk_time - received_at
        # A replayed backlog is old on purpose; only a kiosk clock *ahead* of
        # the hub, or a live request far behind, points at a wrong clock.
        if skew > CLOCK_SKEW_WARNING:
            log.warning(
                "kiosk clock is ahead of the hub by %.0f s",
                skew.total_seconds(),
                extra={
                    "event": "clock_skew",
                    "station": request.station,
                    "kiosk": request.kiosk,
                    "request_id": request.id,
                },
            )


def reply_to(
    request: Request,
    status: ReplyStatus,
    code: str,
    hub_time: datetime,
    result: dict[str, JsonScalar] | None = None,
) -> Reply:
    """The reply to ``request``, its message in the language the kiosk asked for."""
    return Reply(
        v=1,
        type="reply",
        request_id=request.id,
        request_type=request.type.value,
        station=request.station,
        kiosk=request.kiosk,
        status=status,
        code=code,
        message=message_for(code, request.lang),
        hub_time=hub_time,
        result=result or {},
    )


def sync_event_for(request: Request, reply: Reply) -> SyncEvent:
    """The record central gets for a stored request: what was asked and decided.

    The event id is the request id, so central's dedupe and the hub's inbox
    agree on what "the same record" means.
    """
    payload = {
        "event_id": request.id,
        "kind": request.type.value,
        "station": request.station,
        "kiosk": request.kiosk,
        "seq": request.seq,
        "kiosk_time": request.kiosk_time.isoformat(),
        "hub_time": reply.hub_time.isoformat(),
        "body": request.body.model_dump(mode="json"),
        "result": reply.result,
    }
    return SyncEvent(
        event_id=request.id,
        kind=request.type.value,
        station=request.station,
        payload_json=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        created_at=reply.hub_time,
        attempts=0,
    )
