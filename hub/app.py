"""``lianxin hub``: wire the database, the inbox, MQTT and the health server."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from sqlalchemy import text

from config.lifecycle import wait_until_stopped
from config.settings import HubSettings
from hub.dashboard.server import DashboardContext, DashboardServer
from hub.db import make_engine, migrate, session_factory
from hub.domain.setup import setup_domain
from hub.http import HealthServer
from hub.inbox import Inbox
from hub.metrics import Metrics
from hub.reference import ReferencePublisher
from hub.retention import RetentionJob
from hub.worker import HubWorker
from sync.service import SyncService

log = logging.getLogger(__name__)


def run_hub(settings: HubSettings, base_dir: Path, stop: threading.Event | None = None) -> int:
    """Serve until SIGTERM / SIGINT (or ``stop`` is set). Returns an exit code."""
    stop = stop or threading.Event()
    engine = make_engine(settings.database_url, base_dir=base_dir)
    migrate(engine)
    metrics = Metrics()
    sessions = session_factory(engine)
    publisher: ReferencePublisher | None = None
    worker = HubWorker(
        settings, Inbox(sessions), metrics, on_connected=lambda: _publish_reference(publisher)
    )
    publisher = ReferencePublisher(settings.stations, sessions, worker.publish_retained)
    retention = RetentionJob(settings.retention, sessions)
    setup_domain(settings, sessions, publisher)
    sync = None
    if settings.central is not None:
        sync = SyncService(settings.central, sessions, metrics, base_dir, publisher.changed)
        sync.start()

    def health() -> tuple[bool, dict[str, object]]:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database_ok = True
        except Exception:
            log.exception("database health check failed", extra={"event": "health_db"})
            database_ok = False
        ok = database_ok and worker.connected
        return ok, {"broker": worker.connected, "database": database_ok, "hub": settings.hub_id}

    server = HealthServer(settings.http.host, settings.http.port, metrics, health)
    server.start()
    retention.start()
    dashboard = None
    if settings.dashboard is not None:
        dashboard = DashboardServer(
            DashboardContext(
                settings, settings.dashboard, sessions, worker.health, metrics, publisher, base_dir
            )
        )
        dashboard.start()
    worker.start()
    log.info(
        "hub %s serving, health on http://%s:%d/healthz",
        settings.hub_id,
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
    retention.stop()
    if dashboard is not None:
        dashboard.stop()
    if sync is not None:
        sync.stop()
    worker.stop()
    server.stop()
    engine.dispose()
    return 0


def _publish_reference(publisher: ReferencePublisher | None) -> None:
    # Runs on paho's network thread at each (re)connect: retained snapshots
    # make sure kiosks that come later still get the current data.
    if publisher is not None:
        publisher.publish_all()
