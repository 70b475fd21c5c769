"""Structured logging for every role: ``key=value`` pairs an operator can grep.

Call sites pass context with ``extra={"event": ..., "station": ..., "kiosk": ...,
"request_id": ...}``; the formatter appends those fields to the line, so one
swipe can be followed from reader to central with ``grep request_id=...``.
"""

from __future__ import annotations

import logging
import sys

CONTEXT_FIELDS = ("event", "station", "kiosk", "request_id", "seq", "reader", "code", "hub")


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


def setup_logging(role: str, level: str = "INFO") -> None:
    """Send structured lines to stderr; idempotent (replaces earlier handlers)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter(role))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
