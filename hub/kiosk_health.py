"""What the hub knows about each kiosk, from the kiosks' own status messages.

Kiosks publish a retained status every few seconds (and the broker
publishes their last will, ``offline``, when they vanish). The hub keeps
the latest per kiosk and measures each kiosk's clock against its own:
``at`` in a live status is the kiosk's clock at the moment of sending, so
the difference to the hub's receive time is the skew, give or take the
network delay. Replayed requests cannot tell that: their times are old on
purpose. A skewed clock is logged and shown, never used for rules.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from config.metrics import Metrics
from protocol.replies import KioskStatus

log = logging.getLogger(__name__)
SKEW_WARNING = timedelta(minutes=5)
SKEW = "lianxin_hub_kiosk_clock_skew_seconds"
WAITING = "lianxin_hub_kiosk_outbox_waiting"
ONLINE = "lianxin_hub_kiosk_online"


@dataclass(frozen=True)
class KioskHealth:
    status: KioskStatus
    seen_at: datetime  # hub clock, UTC
    clock_skew_s: float | None  # kiosk clock minus hub clock; None when not measured live


class KioskHealthBoard:
    """Thread-safe: the hub's MQTT thread writes, the HTTP and dashboard threads read."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._lock = threading.Lock()
        self._kiosks: dict[tuple[str, str], KioskHealth] = {}
        metrics.describe(SKEW, "Kiosk clock minus hub clock, from live status messages")
        metrics.describe(WAITING, "Requests waiting in a kiosk's outbox, as it last said")
        metrics.describe(ONLINE, "1 while a kiosk says it is online")

    def update(self, status: KioskStatus, received_at: datetime, *, live: bool) -> None:
        """Record a status; ``live`` is false for a retained copy delivered later."""
        skew = (status.at - received_at).total_seconds() if live else None
        key = (status.station, status.kiosk)
        with self._lock:
            previous = self._kiosks.get(key)
            if skew is None and previous is not None:
                skew = previous.clock_skew_s
            self._kiosks[key] = KioskHealth(status, received_at, skew)
        labels = {"station": status.station, "kiosk": status.kiosk}
        self._metrics.set(ONLINE, 1 if status.state == "online" else 0, **labels)
        self._metrics.set(WAITING, status.outbox_waiting, **labels)
        if skew is not None:
            self._metrics.set(SKEW, round(skew, 3), **labels)
            if abs(skew) > SKEW_WARNING.total_seconds() and status.state == "online":
                log.warning(
                    "kiosk clock is off by %.0f s; its times are recorded, not trusted",
                    skew,
                    extra={"event": "clock_skew", "station": status.station, "kiosk": status.kiosk},
                )

    def snapshot(self) -> list[KioskHealth]:
        with self._lock:
            return sorted(self._kiosks.values(), key=lambda h: (h.status.station, h.status.kiosk))
