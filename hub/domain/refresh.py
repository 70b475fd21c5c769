"""Republish reference data after a commit changed it, off the request path.

Handlers note changed tables on the session (``hub.domain.changes``); an
``after_commit`` listener on the hub's sessionmaker queues the names, and
one background thread publishes them. A burst of bookings thus costs one
snapshot per table rather than one per request, and a kiosk's reply never
waits for a snapshot to be built.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hub.domain.changes import take_changed

log = logging.getLogger(__name__)


class ReferenceRefresher:
    """Owns one daemon thread; ``stop()`` ends it after publishing what is queued."""

    def __init__(self, publish: Callable[[str], None]) -> None:
        self._publish = publish
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reference-refresh", daemon=True)

    def attach(self, sessions: sessionmaker[Session]) -> None:
        event.listen(sessions, "after_commit", self._after_commit)
        event.listen(sessions, "after_soft_rollback", self._after_rollback)
        self._thread.start()

    def request(self, *names: str) -> None:
        with self._lock:
            self._pending.update(names)
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _after_commit(self, session: Session) -> None:
        names = take_changed(session)
        if names:
            self.request(*names)

    def _after_rollback(self, session: Session, _previous: object) -> None:
        if not session.in_transaction():
            take_changed(session)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                names, self._pending = self._pending, set()
            for name in sorted(names):
                try:
                    self._publish(name)
                except SQLAlchemyError:
                    # The database is away: try again with the next change.
                    log.exception(
                        "reference %s not refreshed",
                        name,
                        extra={"event": "reference_refresh_failed"},
                    )
            if self._stopping.is_set():
                return
