"""Wait for a condition with a deadline: the only way tests synchronise."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_pause = threading.Event()  # never set: wait(poll) is a plain pause between polls


def wait_until(
    predicate: Callable[[], T], timeout: float = 30.0, message: str = "", poll: float = 0.05
) -> T:
    """Return the first truthy value of ``predicate()``; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message or predicate}")
        _pause.wait(poll)
