"""The hub's side of the sync outbox (table ``sync_outbox``): what waits, what is done.

A record waits while ``sent_at`` and ``parked_reason`` are both empty. It
is done when central said accepted or duplicate (``sent_at`` set), or
parked when central rejected it (``parked_reason`` set, for staff to look
at; it is never sent again on its own). The database is the only state,
so a restarted hub resumes with the oldest waiting record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ARRAY, ColumnElement, Integer, any_, bindparam, func, select, update
from sqlalchemy.orm import Session

from hub.models import SyncEvent


@dataclass(frozen=True)
class OutboxRecord:
    """A waiting record, detached from its session."""

    id: int
    event_id: str
    kind: str
    station: str
    payload_json: str

    def item_json(self) -> str:
        """The record as one item of central's batch, in JSON.

        ``payload_json`` is JSON the hub wrote itself, so it goes in as it is
        stored rather than parsed and serialised again. Were a stored payload
        ever not JSON, central would refuse the whole batch as malformed and
        the pusher would narrow it down to this record and park it.
        """
        return (
            f'{{"event_id":{json.dumps(self.event_id)},"kind":{json.dumps(self.kind)},'
            f'"station":{json.dumps(self.station)},"payload":{self.payload_json}}}'
        )


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest_waiting_age_s: float
    parked: int


_WAITING = (SyncEvent.sent_at.is_(None), SyncEvent.parked_reason.is_(None))
# The pusher's sessions hold no SyncEvent objects (records are read as plain
# rows), so an UPDATE has nothing in the session to bring up to date.
_NO_SYNC = {"synchronize_session": False}


def waiting_records(session: Session, limit: int, *, lock: bool) -> list[OutboxRecord]:
    """The oldest ``limit`` waiting records.

    With ``lock`` (PostgreSQL) the rows are taken ``FOR UPDATE SKIP LOCKED``:
    another hub worker pushing at the same time skips them and takes the
    next ones, and the locks last until the caller's transaction ends.

    Ordered by ``(sent_at, id)``, the columns of ``ix_sync_outbox_unsent``
    (``sent_at`` is NULL for every waiting row, so this is oldest first):
    PostgreSQL then reads the first ``limit`` waiting entries straight off
    that index. Ordered by ``id`` alone it may walk the primary key through
    every record already sent, or sort the whole backlog, for each batch.
    """
    columns = (
        SyncEvent.id,
        SyncEvent.event_id,
        SyncEvent.kind,
        SyncEvent.station,
        SyncEvent.payload_json,
    )
    query = select(*columns).where(*_WAITING).order_by(SyncEvent.sent_at, SyncEvent.id).limit(limit)
    if lock:
        query = query.with_for_update(skip_locked=True)
    return [OutboxRecord(*row) for row in session.execute(query)]


def mark_sent(session: Session, ids: Sequence[int], now: datetime) -> None:
    if ids:
        session.execute(
            update(SyncEvent)
            .where(_among(session, ids))
            .values(sent_at=now, attempts=SyncEvent.attempts + 1),
            execution_options=_NO_SYNC,
        )


def park(session: Session, record_id: int, reason: str) -> None:
    session.execute(
        update(SyncEvent)
        .where(SyncEvent.id == record_id)
        .values(parked_reason=reason[:2000], attempts=SyncEvent.attempts + 1)
    )


def count_attempt(session: Session, ids: Sequence[int]) -> None:
    """Note a try that got no answer for these records (visible to staff as ``attempts``)."""
    if ids:
        session.execute(
            update(SyncEvent).where(_among(session, ids)).values(attempts=SyncEvent.attempts + 1),
            execution_options=_NO_SYNC,
        )


def _among(session: Session, ids: Sequence[int]) -> ColumnElement[bool]:
    """``id`` is one of ``ids``.

    On PostgreSQL as ``id = ANY(:ids)`` with one array parameter: the same
    statement text for any batch, where ``IN (...)`` renders one parameter
    per id that SQLAlchemy and psycopg then format and parse for every
    batch (a third of the pusher's CPU).
    """
    if session.get_bind().dialect.name == "postgresql":
        return SyncEvent.id == any_(bindparam("ids", list(ids), type_=ARRAY(Integer)))
    return SyncEvent.id.in_(ids)


def backlog(session: Session, now: datetime | None = None) -> Backlog:
    """Counts for /metrics; both use the (sent_at, id) index."""
    now = now or datetime.now(UTC)
    waiting, oldest = session.execute(
        select(func.count(), func.min(SyncEvent.created_at)).where(*_WAITING)
    ).one()
    parked = session.scalar(
        select(func.count()).where(
            SyncEvent.sent_at.is_(None), SyncEvent.parked_reason.is_not(None)
        )
    )
    age = 0.0
    if oldest is not None:
        oldest_utc = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
        age = max(0.0, (now - oldest_utc).total_seconds())
    return Backlog(int(waiting), age, int(parked or 0))
