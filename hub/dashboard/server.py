"""Placeholder until the dashboard lands (issue 8): says so plainly."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import DashboardSettings, HubSettings
from hub.kiosk_health import KioskHealthBoard
from hub.metrics import Metrics
from hub.reference import ReferencePublisher

log = logging.getLogger(__name__)


@dataclass
class DashboardContext:
    """Everything the dashboard reads from or acts on inside the hub."""

    hub: HubSettings
    settings: DashboardSettings
    sessions: sessionmaker[Session]
    health: KioskHealthBoard
    metrics: Metrics
    publisher: ReferencePublisher
    base_dir: Path


class DashboardServer:
    def __init__(self, context: DashboardContext) -> None:
        self._context = context

    def start(self) -> None:
        log.warning(
            "the staff dashboard is not built yet (issue 8)",
            extra={"event": "dashboard_unavailable"},
        )

    def stop(self) -> None:
        pass
