"""Once-only work among several hub workers: a lease row per job in the database.

Any number of ``lianxin hub`` processes may serve one hub (one database,
one shared subscription). Most of what they do is safe in parallel, but a
few jobs should run on one worker at a time: the sync pusher and puller,
the retention job, the periodic reference republish, the no-show release.
Each such job has a row in ``hub_leases``; the worker whose name is in
``holder`` with ``expires_at`` still in the future runs it, renews it
every ``ttl_s / 3`` and gives it up on a clean stop. A worker that dies
stops renewing; once the lease expires another worker takes it over (by
one conditional UPDATE) and starts the job there.

Why a lease row, not PostgreSQL advisory locks:

- the same code and the same tests run on SQLite (one worker, trivially
  the holder) and on PostgreSQL; advisory locks exist only on the latter;
- session-level advisory locks need one dedicated connection per worker
  held for its whole life, and do not survive a transaction-pooling
  PgBouncer (the lock follows the server connection, not the worker) —
  the pool we recommend in docs/scaling.md;
- a lease says who holds what in a table an operator can read
  (``SELECT * FROM hub_leases``), with a term that counts hand-overs;
- a half-dead holder (network partition, stopped process) loses its
  lease after ``ttl_s`` even when its TCP connection lingers, which an
  advisory lock would keep until TCP keepalive gives up.

The price is takeover after ``ttl_s`` (10 s by default) rather than at
once. Times are the database's clock (``expires_at`` in epoch seconds),
so workers' clocks may disagree. A holder stops its job on its own
monotonic deadline when it cannot renew, before anyone else can take the
lease. The jobs stay idempotent regardless (central dedupes by event id,
a no-show release is a conditional update): a lease keeps the work from
being done N times over, correctness never rests on it alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, TextClause, text
from sqlalchemy.exc import SQLAlchemyError

from config.metrics import Metrics

log = logging.getLogger(__name__)

HELD = "lianxin_hub_singleton_held"
ACQUIRED = "lianxin_hub_singleton_acquired_total"
DEFAULT_TTL_S = 10.0

# Seconds since the epoch by the database's clock, per dialect.
_DB_NOW = {
    "postgresql": "EXTRACT(EPOCH FROM clock_timestamp())",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}


@dataclass(frozen=True)
class Grant:
    """A lease held: its term, and the monotonic instant our claim to it ends."""

    term: int
    valid_until: float


class Lease:
    """One named lease in ``hub_leases``, seen by one holder. Thread-safe (no state)."""

    def __init__(
        self, engine: Engine, name: str, holder: str, ttl_s: float = DEFAULT_TTL_S
    ) -> None:
        if engine.dialect.name not in _DB_NOW:
            raise ValueError(f"leases need PostgreSQL or SQLite, not {engine.dialect.name}")
        self.name = name
        self.holder = holder
        self.ttl_s = ttl_s
        self._engine = engine
        now = _DB_NOW[engine.dialect.name]
        self._create = text(
            "INSERT INTO hub_leases (name, holder, term, expires_at, renewed_at)"
            " VALUES (:name, '', 0, 0, 0) ON CONFLICT (name) DO NOTHING"
        )
        # One statement decides: take the lease if it is ours or has expired.
        # SET reads the row's old values, so a hand-over bumps the term.
        self._claim = _at_db_time(
            "UPDATE hub_leases SET"
            " term = CASE WHEN holder = :holder THEN term ELSE term + 1 END,"
            " holder = :holder, expires_at = DB_NOW + :ttl, renewed_at = DB_NOW"
            " WHERE name = :name AND (holder = :holder OR expires_at < DB_NOW)",
            now,
        )
        self._term = text("SELECT term FROM hub_leases WHERE name = :name")
        self._release = text(
            "UPDATE hub_leases SET expires_at = 0 WHERE name = :name AND holder = :holder"
        )

    def acquire(self, ttl_s: float | None = None) -> Grant | None:
        """Take or renew the lease for ``ttl_s``; None while another holder has it.

        Raises SQLAlchemyError when the database cannot be reached.
        """
        ttl = self.ttl_s if ttl_s is None else ttl_s
        started = time.monotonic()
        params = {"name": self.name, "holder": self.holder}
        with self._engine.begin() as connection:
            connection.execute(self._create, {"name": self.name})
            claimed = connection.execute(self._claim, {**params, "ttl": ttl})
            if claimed.rowcount != 1:
                return None
            term = int(connection.execute(self._term, {"name": self.name}).scalar_one())
        # Counted from before the UPDATE: we never think we hold it longer than the row says.
        return Grant(term, started + ttl)

    def release(self) -> None:
        """Let another worker take the lease at once (if we still hold it)."""
        with self._engine.begin() as connection:
            connection.execute(self._release, {"name": self.name, "holder": self.holder})

    def current_holder(self) -> str | None:
        """Who holds the lease now, by the database's clock; None when nobody does."""
        now = _DB_NOW[self._engine.dialect.name]
        query = _at_db_time(
            "SELECT holder FROM hub_leases WHERE name = :name AND expires_at >= DB_NOW", now
        )
        with self._engine.connect() as connection:
            holder = connection.execute(query, {"name": self.name}).scalar_one_or_none()
        return str(holder) if holder else None


def _at_db_time(sql: str, now: str) -> TextClause:
    """``sql`` with each DB_NOW replaced by the dialect's expression (a constant, not input)."""
    return text(sql.replace("DB_NOW", now))


class Job(Protocol):
    """What a singleton runs: started once, stopped once (a fresh one per hand-over)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


class SingletonRunner:
    """Runs a job on this worker exactly while this worker holds the job's lease.

    Owns one daemon thread that tries to take or renew the lease every
    ``ttl_s / 3``. On gaining it, it builds a fresh job with ``make_job``
    and starts it; on losing it (another holder, or no renewal before our
    deadline) it stops the job. ``stop()`` stops the job and releases the
    lease so a surviving worker takes over without waiting for expiry.
    """

    def __init__(self, lease: Lease, make_job: Callable[[], Job], metrics: Metrics) -> None:
        self._lease = lease
        self._make_job = make_job
        self._metrics = metrics
        self._job: Job | None = None
        self._valid_until = 0.0
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"singleton-{lease.name}", daemon=True
        )
        metrics.describe(HELD, "1 while this worker holds the lease of a once-only job")
        metrics.describe(ACQUIRED, "times this worker took the lease of a once-only job")
        metrics.set(HELD, 0, job=lease.name)

    @property
    def name(self) -> str:
        return self._lease.name

    @property
    def held(self) -> bool:
        return self._job is not None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)
        self._stop_job("worker stopping")
        try:
            self._lease.release()
        except SQLAlchemyError:
            log.warning(
                "could not release lease %s; it expires by itself",
                self.name,
                extra={"event": "lease_release_failed", "job": self.name},
            )

    def _run(self) -> None:
        renew_every = self._lease.ttl_s / 3
        while not self._stopping.is_set():
            self.step()
            self._stopping.wait(renew_every)

    def step(self) -> None:
        """One round: take or renew the lease, then start or stop the job to match."""
        try:
            grant = self._lease.acquire()
        except SQLAlchemyError as exc:
            log.warning(
                "lease %s: database unreachable (%s)",
                self.name,
                type(exc).__name__,
                extra={"event": "lease_renew_failed", "job": self.name},
            )
            if self._job is not None and time.monotonic() >= self._valid_until:
                self._stop_job("lease not renewed before it expired")
            return
        if grant is None:
            if self._job is not None:
                self._stop_job("another worker holds the lease")
            return
        self._valid_until = grant.valid_until
        if self._job is None and not self._stopping.is_set():
            self._start_job(grant.term)

    def _start_job(self, term: int) -> None:
        job = self._make_job()
        try:
            job.start()
        except Exception:
            log.exception(
                "singleton %s failed to start; lease given up",
                self.name,
                extra={"event": "singleton_start_failed", "job": self.name},
            )
            self._lease.release()
            return
        self._job = job
        self._metrics.set(HELD, 1, job=self.name)
        self._metrics.inc(ACQUIRED, job=self.name)
        log.info(
            "lease %s taken by %s (term %d): job started",
            self.name,
            self._lease.holder,
            term,
            extra={"event": "lease_acquired", "job": self.name, "holder": self._lease.holder},
        )

    def _stop_job(self, why: str) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        self._metrics.set(HELD, 0, job=self.name)
        log.warning(
            "lease %s left by %s: %s; job stopped",
            self.name,
            self._lease.holder,
            why,
            extra={"event": "lease_lost", "job": self.name, "holder": self._lease.holder},
        )
        job.stop()


class PeriodicJob:
    """Calls ``action`` every ``interval_s`` on a daemon thread (first call after one interval)."""

    def __init__(self, name: str, action: Callable[[], None], interval_s: float) -> None:
        self._action = action
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._action()
            except Exception:
                log.exception(
                    "periodic %s failed; next round retries",
                    self._thread.name,
                    extra={"event": "periodic_failed"},
                )
