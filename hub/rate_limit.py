"""Per-kiosk rate limits, so one flooding kiosk cannot starve the others.

A token bucket per (station, kiosk): ``rate`` requests a second on average,
bursts up to ``burst``. A request over the limit gets no reply and is not
stored; the kiosk keeps it in its outbox and sends it again later, so a
legitimate burst is delayed, never lost. Checking costs a dictionary lookup,
far less than the database work it saves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class KioskRateLimiter:
    """Not thread-safe: used from the hub's one message-handling thread."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def allow(self, station: str, kiosk: str) -> bool:
        now = self._clock()
        bucket = self._buckets.get((station, kiosk))
        if bucket is None:
            bucket = self._buckets[(station, kiosk)] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True
