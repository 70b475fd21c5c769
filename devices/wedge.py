"""Keyboard-wedge scanners: tell a scanner's burst of keys from a person typing.

A scanner "types" its symbol with a few milliseconds between keys (7-16 ms
measured) and ends with Enter; a person, on a physical or on-screen keyboard,
leaves 100 ms or more. :class:`WedgeClassifier` is pure: feed it
``(character, monotonic time)`` and it returns decisions. A burst is a scan
only if it has at least ``min_length`` characters, *every* gap (including
the one before Enter) is at most ``threshold_s``, and it ends with Enter.
Anything else is typing and is handed back as such.

:class:`WedgeReader` is the ``ScanSource``: the UI (Kivy ``on_key_down`` /
``on_textinput``) calls ``push_key`` from its thread; ``run`` classifies in
the reader's thread.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

from devices.barcode import display_of
from devices.delivery import ScanDelivery
from devices.reads import CredentialRead
from devices.scan import CredentialKind, ScanCallback

ENTER = frozenset({"\r", "\n"})


@dataclass(frozen=True)
class WedgeScan:
    text: str


@dataclass(frozen=True)
class WedgeTyped:
    """Keys judged to come from a person (the UI should let them through)."""

    text: str


Decision = WedgeScan | WedgeTyped


class WedgeClassifier:
    """Pure, single-threaded burst classifier. Times are monotonic seconds."""

    def __init__(self, threshold_s: float = 0.03, min_length: int = 4) -> None:
        if threshold_s <= 0 or min_length < 1:
            raise ValueError("need threshold_s > 0 and min_length >= 1")
        self.threshold_s = threshold_s
        self.min_length = min_length
        self._burst: list[str] = []
        self._last: float | None = None

    def feed(self, char: str, at: float) -> list[Decision]:
        """Classify one key. ``char`` is one character; Enter is "\\r" or "\\n"."""
        fast = self._last is not None and 0 <= at - self._last <= self.threshold_s
        decisions: list[Decision] = []
        if char in ENTER:
            text = "".join(self._burst)
            if fast and len(text) >= self.min_length:
                decisions.append(WedgeScan(text))
            else:
                decisions.append(WedgeTyped(text + char))
            self._burst, self._last = [], None
            return decisions
        if self._burst and not fast:
            decisions.append(WedgeTyped("".join(self._burst)))
            self._burst = []
        self._burst.append(char)
        self._last = at
        return decisions

    def flush(self, now: float) -> list[Decision]:
        """Give back a pending burst as typing once it has gone quiet for longer than a scan."""
        if self._burst and self._last is not None and now - self._last > self.threshold_s:
            text, self._burst, self._last = "".join(self._burst), [], None
            return [WedgeTyped(text)]
        return []


class WedgeReader:
    """``ScanSource`` fed with key events by the UI; ``health`` is always "ok"."""

    def __init__(
        self,
        delivery: ScanDelivery,
        classifier: WedgeClassifier,
        kind: CredentialKind = CredentialKind.QR,
    ) -> None:
        self._delivery = delivery
        self._classifier = classifier
        self._kind = kind
        self._keys: queue.SimpleQueue[tuple[str, float]] = queue.SimpleQueue()

    @property
    def health(self) -> str:
        return "ok"

    def push_key(self, char: str, at: float | None = None) -> None:
        """Called from the UI thread for each character (or each of a text input's characters)."""
        stamp = time.monotonic() if at is None else at
        for ch in char:
            self._keys.put((ch, stamp))

    def run(self, on_scan: ScanCallback, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                char, at = self._keys.get(timeout=0.1)
            except queue.Empty:
                self._classifier.flush(time.monotonic())
                continue
            for decision in self._classifier.feed(char, at):
                if isinstance(decision, WedgeScan):
                    read = CredentialRead(self._kind, decision.text, display_of(decision.text))
                    self._delivery.emit(read, on_scan)
