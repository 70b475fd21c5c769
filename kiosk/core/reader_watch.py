"""What the kiosk tells the hub about its reader: its health, and whether it misreads.

A driver's own health says whether its port is there. A reader whose port
is fine but which turns every card into a bad frame (a loose antenna, a
wrong baud rate, a scanner set to another symbology) looks "ok" to the
driver while no one can check in. The watch counts every error the driver
reports and calls the reader "error" once ``streak`` errors have come
within ``window_s`` with no good read after them; a good read clears that.
The count goes out in the kiosk's status for the dashboard.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from devices.reads import ReaderError
from devices.scan import ScanSource
from protocol.replies import ReaderHealth

STREAK = 5
WINDOW_S = 60.0
_HEALTH: dict[str, ReaderHealth] = {"ok": "ok", "missing": "missing", "error": "error"}


class ReaderWatch:
    def __init__(
        self,
        *,
        streak: int = STREAK,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader: ScanSource | None = None  # set once the driver is open
        self._streak = streak
        self._window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._by_code: Counter[str] = Counter()
        self._since_good: list[float] = []  # times of the errors after the last good read

    def on_error(self, error: ReaderError) -> None:
        """The driver's ``on_error`` (its thread)."""
        with self._lock:
            self._by_code[error.code.value] += 1
            self._since_good.append(self._clock())
            del self._since_good[: -self._streak]

    def on_scan(self) -> None:
        """A card was read: the reader works, whatever came before."""
        with self._lock:
            self._since_good.clear()

    @property
    def errors(self) -> int:
        """Errors reported since the kiosk started."""
        with self._lock:
            return sum(self._by_code.values())

    @property
    def health(self) -> ReaderHealth:
        if self.reader is None:
            return "none"
        health = _HEALTH.get(self.reader.health, "error")
        if health == "ok" and self._misreading():
            return "error"
        return health

    def _misreading(self) -> bool:
        with self._lock:
            recent = [at for at in self._since_good if self._clock() - at <= self._window_s]
        return len(recent) >= self._streak
