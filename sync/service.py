"""Hub <-> central sync (issue 7). Placeholder: says plainly that it is not built."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config.settings import CentralLinkSettings
from hub.metrics import Metrics

log = logging.getLogger(__name__)


class SyncService:
    """Pushes the hub's sync outbox to central and pulls change feeds from it."""

    def __init__(
        self,
        settings: CentralLinkSettings,
        sessions: sessionmaker[Session],
        metrics: Metrics,
        base_dir: Path,
        on_reference_changed: Callable[[str], None],
    ) -> None:
        del settings, sessions, metrics, base_dir, on_reference_changed

    def start(self) -> None:
        log.warning(
            "central sync is not built yet (issue 7): events stay in the outbox",
            extra={"event": "sync_unavailable"},
        )

    def stop(self) -> None:
        pass
