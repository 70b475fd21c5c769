"""``lianxin hub``: wire the database, the inbox, MQTT, the health server and the singletons.

Any number of these processes may serve one hub (same ``hub_id``, same
database, ``shared_subscription = true``): each takes its share of the
requests, and the once-only jobs (sync, retention, the periodic reference
republish, the no-show release) run under a lease on one worker at a time
(hub.leases). See docs/scaling.md.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Protocol

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from config.lifecycle import freeze_startup_heap, limit_malloc_arenas, wait_until_stopped
from config.metrics import Metrics
from config.settings import HubSettings
from hub.dashboard.server import DashboardContext, DashboardServer
from hub.db import make_engine, migrate, session_factory
from hub.domain.no_show import NoShowTimer
from hub.domain.setup import setup_domain
from hub.http import HealthServer
from hub.inbox import Inbox
from hub.leases import Job, Lease, PeriodicJob, SingletonRunner
from hub.reference import ReferencePublisher
from hub.retention import RetentionJob
from hub.wal_checkpoint import WalCheckpointer
from hub.worker import HubWorker
from sync.service import SyncService

log = logging.getLogger(__name__)

# Names this worker among the hub's workers; default "<host>-<http port>",
# stable across restarts so the worker's persistent MQTT session is kept.
WORKER_ID_ENV = "LIANXIN_WORKER_ID"
REFERENCE_REPUBLISH_S = 60.0
# Any constant both workers agree on; "lianxin" as a 63-bit number.
_MIGRATION_LOCK_KEY = 0x6C69616E78696E


def run_hub(settings: HubSettings, base_dir: Path, stop: threading.Event | None = None) -> int:
    """Serve until SIGTERM / SIGINT (or ``stop`` is set). Returns an exit code."""
    limit_malloc_arenas()  # before any thread: config/lifecycle.py says why
    stop = stop or threading.Event()
    # Opens nothing yet: the database is first touched by the migration below.
    engine = make_engine(settings.database_url, base_dir=base_dir)
    metrics = Metrics()
    sessions = session_factory(engine)
    worker: HubWorker | None = None
    singletons: list[SingletonRunner] = []

    def health() -> tuple[bool, dict[str, object]]:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database_ok = True
        except Exception:
            log.exception("database health check failed", extra={"event": "health_db"})
            database_ok = False
        broker_ok = worker is not None and worker.connected
        return database_ok and broker_ok, {
            "broker": broker_ok,
            "database": database_ok,
            "hub": settings.hub_id,
            "worker": name,
            "singletons": sorted(runner.name for runner in singletons if runner.held),
        }

    # Bound before anything else: its port is part of this worker's name.
    server = HealthServer(settings.http.host, settings.http.port, metrics, health)
    name = worker_id(settings, server.port)
    publisher: ReferencePublisher | None = None
    worker = HubWorker(
        worker_settings(settings, name),
        Inbox(sessions),
        metrics,
        on_connected=lambda: _publish_reference(publisher),
    )
    publisher = ReferencePublisher(settings.stations, sessions, worker.publish_retained)
    # Migrated only once the health port is bound and the worker has read the
    # broker's files: a hub stopped by either leaves no database behind.
    migrate_one_at_a_time(engine)
    checkpointer = WalCheckpointer(engine) if engine.dialect.name == "sqlite" else None
    if checkpointer is not None:
        checkpointer.start()
    domain = setup_domain(settings, sessions, publisher)
    # The domain starts its no-show timer on every worker; here it runs under a lease.
    domain.no_show.stop()
    singletons = singleton_jobs(
        settings,
        engine=engine,
        sessions=sessions,
        metrics=metrics,
        publisher=publisher,
        base_dir=base_dir,
        holder=name,
    )
    server.start()
    for runner in singletons:
        runner.start()
    dashboard = None
    if settings.dashboard is not None:
        dashboard = DashboardServer(
            DashboardContext(
                settings, settings.dashboard, sessions, worker.health, metrics, publisher, base_dir
            )
        )
        dashboard.start()
    freeze_startup_heap()
    worker.start()
    log.info(
        "hub %s worker %s serving, health on http://%s:%d/healthz",
        settings.hub_id,
        name,
        settings.http.host,
        server.port,
        extra={"event": "hub_started"},
    )

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum, extra={"event": "hub_stopping"})
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    wait_until_stopped(stop)
    # Singletons first: their leases are released, so a surviving worker takes over now.
    _stop_in_order([*singletons, dashboard, domain, worker, server, checkpointer])
    engine.dispose()
    return 0


class _Stoppable(Protocol):
    def stop(self) -> None: ...


def _stop_in_order(parts: Sequence[_Stoppable | None]) -> None:
    """Stop each part there is (None: not running here), in the order given."""
    for part in parts:
        if part is not None:
            part.stop()


def singleton_jobs(
    settings: HubSettings,
    *,
    engine: Engine,
    sessions: sessionmaker[Session],
    metrics: Metrics,
    publisher: ReferencePublisher,
    base_dir: Path,
    holder: str,
) -> list[SingletonRunner]:
    """The once-only jobs, each under its own lease (so they may land on different workers)."""

    def retention() -> Job:
        return RetentionJob(settings.retention, sessions)

    def reference() -> Job:
        return PeriodicJob("reference-republish", publisher.publish_all, REFERENCE_REPUBLISH_S)

    def no_show() -> Job:
        return NoShowTimer(sessions)

    jobs: dict[str, Callable[[], Job]] = {
        "retention": retention,
        "reference": reference,
        "no_show": no_show,
    }
    central = settings.central
    if central is not None:

        def sync() -> Job:
            return SyncService(central, sessions, metrics, base_dir, publisher.changed)

        jobs["sync"] = sync
    return [
        SingletonRunner(Lease(engine, job, holder), make, metrics) for job, make in jobs.items()
    ]


def worker_id(settings: HubSettings, http_port: int) -> str:
    """This worker's name: $LIANXIN_WORKER_ID, else "<host>-<http port>"."""
    configured = os.environ.get(WORKER_ID_ENV, "").strip()
    if configured:
        return configured
    return f"{socket.gethostname().split('.')[0][:40]}-{http_port}"


def worker_settings(settings: HubSettings, worker: str) -> HubSettings:
    """The settings the MQTT side sees: ``hub_id`` made unique per worker.

    HubWorker names its MQTT client after ``hub_id``; workers of one hub
    sharing one client id would throw each other off the broker. The name
    stays within the 64 characters a hub status allows.
    """
    unique = f"{settings.hub_id}.{worker}"
    if len(unique) > 64:
        digest = hashlib.sha256(unique.encode()).hexdigest()[:16]
        unique = f"{settings.hub_id[:47]}.{digest}"
    return settings.model_copy(update={"hub_id": unique})


def migrate_one_at_a_time(engine: Engine) -> None:
    """Migrate; on PostgreSQL under an advisory lock, so workers starting together do not race.

    SQLite serialises writers by itself. The lock is a session lock on
    a connection of its own, released when it closes (or the process dies).
    """
    if engine.dialect.name != "postgresql":
        migrate(engine)
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        try:
            migrate(engine)
        finally:
            connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )


def _publish_reference(publisher: ReferencePublisher | None) -> None:
    # Runs on the worker's MQTT thread at each (re)connect, on every worker:
    # harmless, as retained snapshots are versioned, and kiosks that come
    # later still get the current data.
    if publisher is not None:
        publisher.publish_all()
