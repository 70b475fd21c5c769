"""Push the hub's outbox to central in batches, and act on each item's answer.

One ``push_once`` sends the oldest waiting records as one batch:

- accepted / duplicate: marked sent (central has it exactly once);
- rejected: parked with central's reason, for staff; never retried on its own;
- no answer (connection error, timeout, 5xx, 429): nothing changes but the
  attempt count; the caller backs off and tries again;
- the batch refused as a whole as malformed (400/413/422): the next batch
  is half the size, down to one record, which is then parked with the
  reason, so one bad record can never block the others forever;
- 401/403/404: a configuration problem (token, URL); nothing is parked.

Several hub workers (PostgreSQL): each takes its batch with ``SELECT ...
FOR UPDATE SKIP LOCKED`` and keeps the row locks for the HTTP call (at
most ``timeout_s``) and the update, in one transaction, so two workers
never send the same record at the same time; a worker that dies mid-batch
releases its locks and another resends, which central answers with
``duplicate``. On SQLite run one hub worker: it reads the batch, closes
the read transaction, sends, then writes the outcome in a short write
transaction, so kiosks' requests are never blocked behind an HTTP call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from sync import outbox
from sync.client import CallFailure
from sync.outbox import OutboxRecord
from sync.wire import ItemOutcome

log = logging.getLogger(__name__)

# Pushers a hub runs at once when its database is PostgreSQL: while one waits
# for central's answer (and central for its commit), the next takes and sends
# its own batch. FOR UPDATE SKIP LOCKED keeps their batches apart.
PUSHERS_ON_POSTGRESQL = 2


def pushers_for(sessions: sessionmaker[Session]) -> int:
    """How many pushers to run at once on this database: one unless rows can be locked."""
    return PUSHERS_ON_POSTGRESQL if _takes_row_locks(sessions) else 1


def _takes_row_locks(sessions: sessionmaker[Session]) -> bool:
    bind = sessions.kw.get("bind")
    return bind is not None and str(bind.dialect.name) == "postgresql"


# Sends the items (each one JSON object, as text) as one batch; central's answer.
PushBatch = Callable[[list[str]], "list[ItemOutcome] | CallFailure"]


@dataclass(frozen=True)
class PushReport:
    """What one batch did; ``full`` says more records were probably waiting."""

    sent: int = 0
    duplicates: int = 0
    parked: int = 0
    unanswered: int = 0
    full: bool = False


@dataclass
class Pusher:
    sessions: sessionmaker[Session]
    push_batch: PushBatch
    metrics: Metrics
    batch_size: int
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _limit: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._limit = self.batch_size

    @property
    def locking(self) -> bool:
        return _takes_row_locks(self.sessions)

    def push_once(self) -> PushReport | CallFailure:
        """Send one batch and record the outcome; durable when this returns."""
        if self.locking:
            with self.sessions.begin() as session:
                records = outbox.waiting_records(session, self._limit, lock=True)
                if not records:
                    return PushReport()
                answer = self.push_batch([r.item_json() for r in records])
                return self._record(session, records, answer)
        with self.sessions() as session:
            records = outbox.waiting_records(session, self._limit, lock=False)
        if not records:
            return PushReport()
        answer = self.push_batch([r.item_json() for r in records])
        with self.sessions.begin() as session:
            return self._record(session, records, answer)

    def _record(
        self,
        session: Session,
        records: list[OutboxRecord],
        answer: list[ItemOutcome] | CallFailure,
    ) -> PushReport | CallFailure:
        if isinstance(answer, CallFailure):
            return self._failed(session, records, answer)
        full = len(records) >= self._limit
        self._limit = min(self.batch_size, self._limit * 2)  # recover after a split
        by_index = {outcome.index: outcome for outcome in answer}
        sent: list[int] = []
        duplicates = parked = 0
        unanswered: list[int] = []
        for index, record in enumerate(records):
            outcome = by_index.get(index)
            if outcome is None or outcome.event_id != record.event_id:
                unanswered.append(record.id)
            elif outcome.status == "rejected":
                self._park(session, record, f"central rejected it: {outcome.reason}")
                parked += 1
            else:
                sent.append(record.id)
                duplicates += outcome.status == "duplicate"
        outbox.mark_sent(session, sent, self.clock())
        outbox.count_attempt(session, unanswered)
        if unanswered:
            log.warning(
                "central answered %d of %d records; the rest stay waiting",
                len(records) - len(unanswered),
                len(records),
                extra={"event": "sync_partial_answer"},
            )
        for result, count in (
            ("accepted", len(sent) - duplicates),
            ("duplicate", duplicates),
            ("rejected", parked),
        ):
            if count:
                self.metrics.inc("lianxin_sync_pushed_total", count, result=result)
        return PushReport(len(sent), duplicates, parked, len(unanswered), full)

    def _failed(
        self, session: Session, records: list[OutboxRecord], failure: CallFailure
    ) -> CallFailure:
        if failure.refused_as_malformed and len(records) == 1:
            self._park(session, records[0], f"central refused it: {failure.reason}")
            self.metrics.inc("lianxin_sync_pushed_total", 1, result="rejected")
            return failure
        if failure.refused_as_malformed:
            self._limit = max(1, len(records) // 2)
            log.warning(
                "central refused a batch of %d (%s); trying %d at a time",
                len(records),
                failure.reason,
                self._limit,
                extra={"event": "sync_batch_split"},
            )
        outbox.count_attempt(session, [r.id for r in records])
        return failure

    def _park(self, session: Session, record: OutboxRecord, reason: str) -> None:
        outbox.park(session, record.id, reason)
        log.error(
            "sync record parked for staff: %s",
            reason,
            extra={
                "event": "sync_parked",
                "station": record.station,
                "request_id": record.event_id,
            },
        )
