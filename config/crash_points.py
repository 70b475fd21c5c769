"""Named places where a test may make this process die, as in a power cut.

Random SIGKILLs rarely land in the few microseconds between a commit and
the next step, yet those are the moments the delivery guarantees are
about. A process started with ``LIANXIN_CRASH_AT=name`` (optionally
``name:N`` for the N-th time it gets there) kills itself with SIGKILL at
that point. Unset, a crash point costs one dictionary lookup.

Points: ``kiosk_after_outbox_write`` (scan durable, not yet published),
``kiosk_before_retire`` (replies taken and shown, their retirement not yet
committed),
``hub_after_commit`` (request stored, reply not yet sent),
``central_after_commit`` (a batch stored at central, not yet answered).
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "LIANXIN_CRASH_AT"
_lock = threading.Lock()
_hits: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    value = os.environ.get(ENV, "")
    if not value:
        return None
    name, _, count = value.partition(":")
    return name, int(count) if count.isdigit() else 1


_TARGET = _target()


def crash_point(name: str) -> None:
    """Die here (SIGKILL, no cleanup) if this process was told to."""
    if _TARGET is None or _TARGET[0] != name:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        if _hits[name] >= _TARGET[1]:
            os.kill(os.getpid(), signal.SIGKILL)
