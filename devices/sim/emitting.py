"""Simulator for readers that only talk: it writes a card's frame when presented."""

from __future__ import annotations

import time
from collections.abc import Callable

from devices.sim.pty import PtySimulator

Encoder = Callable[[str], bytes]


class EmittingSim(PtySimulator):
    """Writes ``encode(card)`` once per ``present``; with ``repeat_s`` it repeats the
    frame while the card stays (125 kHz modules resend every 100-200 ms).

    ``encode`` raises ``ValueError`` for a card string the device could not emit;
    ``present`` raises it in the caller's thread.
    """

    def __init__(self, encode: Encoder, *, repeat_s: float | None = None) -> None:
        self._encode = encode
        self._repeat_s = repeat_s
        self._pending: list[bytes] = []
        self._held: bytes | None = None
        self._last_write = 0.0
        self.frames_written = 0
        super().__init__()

    def present(self, card: str) -> None:
        frame = self._encode(card)
        with self._lock:
            self._pending.append(frame)
            self._held = frame if self._repeat_s is not None else None
        self._wake.set()

    def remove(self) -> None:
        with self._lock:
            self._held = None

    def _tick(self) -> None:
        self._wake.wait(0.05)
        self._wake.clear()
        now = time.monotonic()
        with self._lock:
            frames, self._pending = self._pending, []
            held, repeat = self._held, self._repeat_s
            if not frames and held is not None and repeat is not None:
                frames = [held] if now - self._last_write >= repeat else []
        for frame in frames:
            self._write(frame)
            self._last_write = now
            self.frames_written += 1
