"""Structured logging for every role: ``key=value`` pairs an operator can grep.

Call sites pass context with ``extra={"event": ..., "station": ..., "kiosk": ...,
"request_id": ...}``; the formatter appends those fields to the line, so one
swipe can be followed from reader to central with ``grep request_id=...``.

A busy hub writes a line per request (a big batch: one line naming all of
its stored requests, hub.worker.AnsweredLog). Written one ``write`` each
(stderr is line-buffered), that was a tenth of the hub's time, so lines go
through a buffer instead: a warning or worse is written at once (with
everything before it), the rest at the latest ``FLUSH_EVERY_S`` later.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import time

CONTEXT_FIELDS = ("event", "station", "kiosk", "request_id", "seq", "reader", "code", "hub")
FLUSH_EVERY_S = 0.5


class KeyValueFormatter(logging.Formatter):
    def __init__(self, role: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s role=" + role + " %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        pairs = [
            f"{field}={getattr(record, field)}"
            for field in CONTEXT_FIELDS
            if getattr(record, field, None) is not None
        ]
        return f"{line} {' '.join(pairs)}" if pairs else line


class BufferedStderrHandler(logging.StreamHandler[io.TextIOWrapper]):
    """Lines to a buffered copy of stderr, written by level and by age, not one by one."""

    def __init__(self) -> None:
        raw = io.FileIO(os.dup(sys.stderr.fileno()), "w")
        super().__init__(
            io.TextIOWrapper(io.BufferedWriter(raw, 1 << 16), "utf-8", "backslashreplace")
        )
        self._pending = False
        flusher = threading.Thread(target=self._flush_by_age, name="log-flush", daemon=True)
        flusher.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(self.format(record) + self.terminator)
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)
            return
        self._pending = True
        if record.levelno >= logging.WARNING:
            self.flush()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]  # created in Handler.__init__
            self._pending = False
            if not self.stream.closed:
                self.stream.flush()

    def close(self) -> None:
        self.flush()
        super().close()

    def _flush_by_age(self) -> None:
        while True:
            time.sleep(FLUSH_EVERY_S)
            if self._pending:
                self.flush()


def setup_logging(role: str, level: str = "INFO") -> None:
    """Send structured lines to stderr; idempotent (replaces earlier handlers)."""
    # Our lines name no caller, thread or process: skip working them out for
    # every record (the logging HOWTO's "Optimization" section).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BufferedStderrHandler()
    handler.setFormatter(KeyValueFormatter(role))
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(level)
