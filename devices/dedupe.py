"""Duplicate suppression: the same credential again within a window is one scan."""

from __future__ import annotations

import time
from collections.abc import Callable


class Deduplicator:
    """Decide, per credential, whether a read is a new scan.

    A read is a duplicate when the same credential was *emitted* less than
    ``window_s`` ago, or (if ``hold_gap_s`` is set) when it was *seen* less
    than ``hold_gap_s`` ago: readers that repeat a frame while a card stays
    in the field (EM4100) produce one scan however long the card is held.
    Times come from ``clock`` (monotonic seconds). Not thread-safe: owned by
    the driver thread.
    """

    def __init__(
        self,
        window_s: float = 3.0,
        *,
        hold_gap_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if window_s < 0:
            raise ValueError("dedupe window must not be negative")
        self._window = window_s
        self._hold_gap = hold_gap_s
        self._clock = clock
        self._emitted: dict[str, float] = {}
        self._seen: dict[str, float] = {}

    def is_new(self, credential: str) -> bool:
        """Record a read of ``credential``; True if it should become a scan."""
        now = self._clock()
        self._forget_older_than(now)
        emitted = self._emitted.get(credential)
        seen = self._seen.get(credential)
        self._seen[credential] = now
        if emitted is not None and now - emitted < self._window:
            return False
        if self._hold_gap is not None and seen is not None and now - seen < self._hold_gap:
            return False
        self._emitted[credential] = now
        return True

    def _forget_older_than(self, now: float) -> None:
        horizon = max(self._window, self._hold_gap or 0.0)
        for table in (self._emitted, self._seen):
            for key in [k for k, t in table.items() if now - t >= horizon]:
                del table[key]
