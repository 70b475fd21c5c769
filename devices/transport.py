"""Serial transport with reopen-on-unplug and a health flag.

Everything goes through pyserial's ``serial_for_url`` so a driver opens
``/dev/ttyUSB0``, a pty slave, ``loop://``, ``socket://host:port`` or
``rfc2217://host:port`` the same way. Framing lives elsewhere: this module
only moves bytes and knows whether the port is there.
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import threading
from collections.abc import Callable

import serial

logger = logging.getLogger(__name__)

# Errors on open that mean "the device is not there" rather than "it is broken".
_MISSING_ERRNOS = {errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO}


class Health(enum.StrEnum):
    """What ``ScanSource.health`` reports."""

    OK = "ok"
    MISSING = "missing"
    ERROR = "error"


class SerialLink:
    """Owns one serial port for one driver thread: open, reopen with backoff, close.

    ``open`` blocks (in the caller's thread) until the port opens or ``stop``
    is set, waiting ``backoff_initial_s`` after the first failure, doubling up
    to ``backoff_max_s``: an unplugged reader costs a few syscalls a second at
    most, never a busy loop. ``health`` may be read from any thread.
    """

    def __init__(
        self,
        url: str,
        *,
        reader_id: str,
        baudrate: int = 9600,
        read_timeout_s: float = 0.1,
        backoff_initial_s: float = 0.1,
        backoff_max_s: float = 5.0,
    ) -> None:
        if backoff_initial_s <= 0 or backoff_max_s < backoff_initial_s:
            raise ValueError("need 0 < backoff_initial_s <= backoff_max_s")
        self.url = url
        self.reader_id = reader_id
        self.baudrate = baudrate
        self.read_timeout_s = read_timeout_s
        self._backoff_initial = backoff_initial_s
        self._backoff_max = backoff_max_s
        self._port: serial.Serial | None = None
        self._health = Health.MISSING
        self._lock = threading.Lock()

    @property
    def health(self) -> Health:
        with self._lock:
            return self._health

    def set_health(self, health: Health) -> None:
        with self._lock:
            changed = self._health != health
            self._health = health
        if changed:
            logger.info(
                "reader health %s",
                health.value,
                extra={"reader": self.reader_id, "event": "health", "health": health.value},
            )

    def open(self, stop: threading.Event) -> serial.Serial | None:
        """The open port, or None if ``stop`` was set while waiting for it."""
        delay = self._backoff_initial
        while not stop.is_set():
            try:
                port = serial.serial_for_url(
                    self.url,
                    baudrate=self.baudrate,
                    timeout=self.read_timeout_s,
                    write_timeout=1.0,
                )
            except (serial.SerialException, OSError, ValueError) as exc:
                self.set_health(self._classify(exc))
                logger.debug(
                    "open failed: %s",
                    exc,
                    extra={"reader": self.reader_id, "event": "open_failed", "retry_s": delay},
                )
                stop.wait(delay)
                delay = min(delay * 2, self._backoff_max)
                continue
            port.reset_input_buffer()  # frames from before we listened are stale
            self._port = port
            self.set_health(Health.OK)
            logger.info("port open", extra={"reader": self.reader_id, "event": "port_open"})
            return port
        return None

    def serve(
        self,
        session: Callable[[serial.Serial], None],
        stop: threading.Event,
        on_lost: Callable[[str], None],
    ) -> None:
        """Run ``session`` on the open port; when the port is lost, reopen and go on.

        Returns when ``stop`` is set; the port is closed on the way out.
        """
        try:
            while not stop.is_set():
                port = self.open(stop)
                if port is None:
                    return
                try:
                    session(port)
                except (serial.SerialException, OSError) as exc:
                    on_lost(f"port lost: {exc}")
                    self.lost(exc)
        finally:
            self.close()

    def lost(self, exc: BaseException) -> None:
        """The open port failed (unplugged, EIO): close it; the next ``open`` retries."""
        logger.warning("port lost: %s", exc, extra={"reader": self.reader_id, "event": "port_lost"})
        self.close()
        self.set_health(Health.MISSING)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError) as exc:
                logger.debug(
                    "close failed: %s",
                    exc,
                    extra={"reader": self.reader_id, "event": "close_failed"},
                )

    def _classify(self, exc: BaseException) -> Health:
        code = getattr(exc, "errno", None)
        if code in _MISSING_ERRNOS:
            return Health.MISSING
        if "://" not in self.url and not os.path.exists(self.url):
            return Health.MISSING
        return Health.ERROR
