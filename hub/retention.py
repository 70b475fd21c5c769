"""Delete or anonymise old personal data on a schedule (PIPL: keep the least).

What ages out, with the defaults from ``[retention]`` in hub.toml:

- check-ins older than ``personal_data_days`` keep their time, station and
  purpose (the statistics) but lose the credential that says who it was;
- sync events central has confirmed are deleted after ``synced_days``;
- the domain's tables (bookings, sign-ups, attendances, service requests,
  visitors) follow the rules in hub/domain/retention.py, run after these.

Runs once at hub start and then every ``interval_s`` on a daemon thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from config.settings import RetentionSettings
from hub.domain.retention import DOMAIN_RULES
from hub.models import ANONYMISED, CheckIn, SyncEvent

__all__ = ["ANONYMISED", "RetentionJob"]
log = logging.getLogger(__name__)

# (session, now, settings) -> rows changed; runs inside the job's transaction.
RetentionRule = Callable[[Session, datetime, RetentionSettings], int]


class RetentionJob:
    def __init__(self, settings: RetentionSettings, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._sessions = sessions
        self._rules: dict[str, RetentionRule] = {
            "check_ins": anonymise_old_check_ins,
            "sync_outbox": delete_synced_events,
            **DOMAIN_RULES,
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)

    def register(self, name: str, rule: RetentionRule) -> None:
        self._rules[name] = rule

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self, now: datetime | None = None) -> dict[str, int]:
        """Apply every rule in one transaction; returns rows changed per rule."""
        now = now or datetime.now(UTC)
        changed: dict[str, int] = {}
        with self._sessions.begin() as session:
            for name, rule in self._rules.items():
                changed[name] = rule(session, now, self._settings)
        log.info("retention applied: %s", changed, extra={"event": "retention"})
        return changed

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("retention run failed", extra={"event": "retention_failed"})
            self._stop.wait(self._settings.interval_s)


def anonymise_old_check_ins(session: Session, now: datetime, settings: RetentionSettings) -> int:
    cutoff = now - timedelta(days=settings.personal_data_days)
    result = session.execute(
        update(CheckIn)
        .where(CheckIn.received_at < cutoff, CheckIn.credential_kind != ANONYMISED)
        .values(credential_kind=ANONYMISED, credential="")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_synced_events(session: Session, now: datetime, settings: RetentionSettings) -> int:
    cutoff = now - timedelta(days=settings.synced_days)
    result = session.execute(
        delete(SyncEvent).where(SyncEvent.sent_at.is_not(None), SyncEvent.sent_at < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
