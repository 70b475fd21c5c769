"""A pseudo-terminal pair owned by a simulator thread. Closing it is an unplug."""

from __future__ import annotations

import abc
import logging
import os
import threading
import tty
from types import TracebackType

logger = logging.getLogger(__name__)


class PtySimulator(abc.ABC):
    """Base of every simulated reader.

    The constructor opens the pty (raw, so nothing is echoed or cooked before
    the driver configures the port) and starts a daemon thread that owns the
    master side. ``port_path`` is the slave's path. ``close`` stops the
    thread and closes both sides: to the driver, the reader was unplugged.
    The simulator keeps its own slave fd open so that a driver reopening the
    port never makes the master see a hang-up.
    """

    def __init__(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.port_path = os.ttyname(self._slave)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sim {self.port_path}", daemon=True)
        self._thread.start()

    @abc.abstractmethod
    def present(self, card: str) -> None:
        """Put a card on / in front of the reader (``card`` in the driver's card syntax)."""

    @abc.abstractmethod
    def remove(self) -> None:
        """Take the card away."""

    @abc.abstractmethod
    def _tick(self) -> None:
        """One step of the simulator thread; must return within ~50 ms."""

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are (line noise, corrupt frames) onto the line."""
        with self._lock:
            self._write(data)

    def close(self) -> None:
        """Stop the thread and close the pty: the driver sees the device vanish."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError as exc:
                logger.debug("close failed: %s", exc, extra={"event": "sim_close"})

    def __enter__(self) -> PtySimulator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._tick()

    def _write(self, data: bytes) -> None:
        """Write like a device: if nobody drains the line, bytes are lost, never blocking."""
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                written = os.write(self._master, view)
            except BlockingIOError:
                logger.debug("pty full, dropping %d bytes", len(view), extra={"event": "sim_drop"})
                return
            except OSError as exc:
                logger.debug("pty write failed: %s", exc, extra={"event": "sim_write_failed"})
                return
            view = view[written:]

    def _read(self) -> bytes:
        try:
            return os.read(self._master, 4096)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError as exc:  # EIO: no slave open right now; harmless for a device
            logger.debug("pty read failed: %s", exc, extra={"event": "sim_read_failed"})
            return b""
