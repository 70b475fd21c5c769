"""SQLite's WAL checkpoints, taken off the path a swipe waits for.

In WAL mode a commit appends to the ``-wal`` file; a checkpoint copies
those pages into the database file and syncs it. By default the
connection whose commit takes the WAL past 1,000 pages runs that
checkpoint inside the commit, so every few hundred lone check-ins one
swipe waited for it (a transaction's p99 1.9 ms with it, 1.1 without:
docs/performance-rounds.md, eleventh round). Here a periodic job runs a PASSIVE
checkpoint every ``every_s`` seconds, which never waits for a reader or
a writer; what it has copied, a commit need not. The hub's connections
keep an automatic checkpoint at ``AUTOCHECKPOINT_PAGES`` as a net: a WAL
that grows past it (a checkpoint that never caught up with a long flood)
is still checkpointed, and restarted, by a commit.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.pool import PoolProxiedConnection

from hub.leases import PeriodicJob

EVERY_S = 0.1
# Pages (4 KiB) of WAL after which a commit checkpoints anyway; SQLite's default is 1,000.
AUTOCHECKPOINT_PAGES = 4_000


class WalCheckpointer:
    """Checkpoints ``engine``'s SQLite database from a thread, until stopped."""

    def __init__(self, engine: Engine, every_s: float = EVERY_S) -> None:
        if engine.dialect.name != "sqlite":
            raise ValueError(f"only a SQLite database has a WAL to checkpoint, not {engine.url}")
        self._engine = engine
        self._connection: PoolProxiedConnection | None = None  # the job's own, held
        self._job = PeriodicJob("wal-checkpoint", self._checkpoint, every_s)
        self.checkpoints = 0  # PASSIVE checkpoints run, for tests and the curious

    def start(self) -> None:
        self._job.start()

    def stop(self) -> None:
        self._job.stop()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _checkpoint(self) -> None:
        """One checkpoint. One that failed is done by the next, or by a commit past the net.

        The job logs the failure; the connection it failed on is not used again.
        """
        if self._connection is None:
            self._connection = self._engine.raw_connection()
        try:
            cursor = self._connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.fetchall()
            cursor.close()
        except Exception:
            self._connection.invalidate()
            self._connection = None
            raise
        self.checkpoints += 1
