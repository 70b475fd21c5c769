"""What every serial reader shares: its link, health, and surviving unplugs.

A driver subclasses :class:`SerialSource` and writes only ``_session``: the
conversation with the device on an open port. ``run`` reopens the port with
backoff whenever it is lost (``SerialLink.serve``) and reports the loss.
"""

from __future__ import annotations

import abc
import threading

import serial

from devices.dedupe import Deduplicator
from devices.delivery import ScanDelivery
from devices.reads import ErrorCallback, ErrorCode
from devices.scan import ScanCallback
from devices.transport import SerialLink


class SerialSource(abc.ABC):
    """A ScanSource on a serial link; ``run`` blocks in the caller's thread."""

    def __init__(
        self, link: SerialLink, dedupe: Deduplicator, on_error: ErrorCallback | None
    ) -> None:
        self._link = link
        self._delivery = ScanDelivery(link.reader_id, dedupe, on_error)

    @property
    def reader_id(self) -> str:
        return self._link.reader_id

    @property
    def health(self) -> str:
        return self._link.health.value

    def run(self, on_scan: ScanCallback, stop: threading.Event) -> None:
        self._link.serve(
            lambda port: self._session(port, on_scan, stop),
            stop,
            lambda reason: self._delivery.report(ErrorCode.PORT, reason),
        )

    @abc.abstractmethod
    def _session(self, port: serial.Serial, on_scan: ScanCallback, stop: threading.Event) -> None:
        """Talk to the device on ``port`` until ``stop``; raise on a lost port."""
