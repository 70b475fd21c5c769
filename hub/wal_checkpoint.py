"""SQLite's WAL checkpoints, taken off the path a swipe waits for.

In WAL mode a commit appends to the ``-wal`` file; a checkpoint copies
those pages into the database file and syncs it. By default the
connection whose commit takes the WAL past 1,000 pages runs that
checkpoint inside the commit, so every few hundred lone check-ins one
swipe waited for it (a transaction's p99 1.9 ms with it, 1.1 without:
docs/performance.md, eleventh round). Here a thread of its own runs a
PASSIVE checkpoint every ``every_s`` seconds, which never waits for a
reader or a writer; what it has copied, a commit need not. The hub's
connections keep an automatic checkpoint at ``AUTOCHECKPOINT_PAGES`` as
a net: a WAL that grows past it (a checkpoint that never caught up with
a long flood) is still checkpointed, and restarted, by a commit.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

EVERY_S = 0.1
# Pages (4 KiB) of WAL after which a commit checkpoints anyway; SQLite's default is 1,000.
AUTOCHECKPOINT_PAGES = 4_000


class WalCheckpointer:
    """Checkpoints ``engine``'s SQLite database from a thread, until stopped."""

    def __init__(self, engine: Engine, every_s: float = EVERY_S) -> None:
        if engine.dialect.name != "sqlite":
            raise ValueError(f"only a SQLite database has a WAL to checkpoint, not {engine.url}")
        self._engine = engine
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self.checkpoints = 0  # PASSIVE checkpoints run, for tests and the curious

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        connection: Any = None
        while not self._stop.wait(self._every_s):
            try:
                if connection is None:
                    connection = self._engine.raw_connection()
                connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
            except Exception:
                # A checkpoint missed is done by the next one, or by a commit (the net above).
                log.exception("WAL checkpoint failed", extra={"event": "wal_checkpoint_failed"})
                if connection is not None:
                    connection.invalidate()
                    connection = None
                self._stop.wait(1.0)
        if connection is not None:
            connection.close()
