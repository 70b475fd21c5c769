"""What the dashboard reads from or acts on inside the hub (built by ``hub.app``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from config.settings import DashboardSettings, HubSettings
from hub.domain.clock import utc_now
from hub.kiosk_health import KioskHealthBoard
from hub.reference import ReferencePublisher


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
    clock: Callable[[], datetime] = utc_now
