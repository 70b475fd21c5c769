"""Run loop for readers that only talk: bytes in, frames out (no request/response).

EM4100, serial UID readers, barcode scanners and Wiegand converters differ
only in their pure ``decode`` function; this loop owns the port, the buffer,
duplicate suppression, error reports and reconnects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import serial

from devices.dedupe import Deduplicator
from devices.parsing import Parsed
from devices.reads import CredentialRead, ErrorCallback, ErrorCode
from devices.scan import ScanCallback
from devices.serial_source import SerialSource
from devices.transport import SerialLink

Decoder = Callable[[bytes], Parsed[CredentialRead]]


class StreamReader(SerialSource):
    """A ``ScanSource`` over a serial link and a pure decoder.

    ``run`` blocks in the caller's thread until ``stop`` is set; ``on_scan``
    and ``on_error`` are called from that thread.
    """

    def __init__(
        self,
        link: SerialLink,
        decode: Decoder,
        *,
        dedupe: Deduplicator,
        on_error: ErrorCallback | None = None,
        max_buffer: int = 8192,
    ) -> None:
        super().__init__(link, dedupe, on_error)
        self._decode = decode
        self._max_buffer = max_buffer

    def _session(self, port: serial.Serial, on_scan: ScanCallback, stop: threading.Event) -> None:
        buf = b""
        while not stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            if not chunk:
                continue
            parsed = self._decode(buf + chunk)
            buf = parsed.rest[-self._max_buffer :]
            for error in parsed.errors:
                self._delivery.report(ErrorCode.FRAME, error.reason)
            for read in parsed.frames:
                self._delivery.emit(read, on_scan)
