"""Generated scans without a reader, for the demo and load tests.

Cards come from a seeded pool so some people visit more than once, as in
life. The pty simulators in ``devices`` exercise the byte-level path; this
source exercises everything above it at any rate.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

from devices.scan import CredentialKind, ScanCallback, ScanEvent


class SyntheticReader:
    """``count`` scans in all (0: no end); ``already`` of them were made before a restart."""

    def __init__(
        self, reader_id: str, interval_s: float, count: int = 0, seed: int = 0, already: int = 0
    ) -> None:
        self._reader_id = reader_id
        self._interval_s = interval_s
        self._count = count
        self._random = random.Random(seed)  # noqa: S311 - demo cards, not secrets
        self._pool = [f"{self._random.getrandbits(40):010X}" for _ in range(50)]
        self.produced = already

    @property
    def health(self) -> str:
        return "ok"

    def run(self, on_scan: ScanCallback, stop: threading.Event) -> None:
        while not stop.is_set() and (self._count == 0 or self.produced < self._count):
            card = self._random.choice(self._pool)
            on_scan(
                ScanEvent(
                    reader_id=self._reader_id,
                    kind=CredentialKind.RFID_EM4100,
                    credential=card,
                    display=f"{int(card[2:], 16):010d}",
                    read_at=datetime.now(UTC),
                )
            )
            self.produced += 1
            stop.wait(self._interval_s)
