"""A long-running role's process: settle its start-up heap, run until asked to stop."""

from __future__ import annotations

import gc
import threading

# A signal the kernel delivers to another thread does not wake a main thread
# blocked in an untimed Event.wait(); waking up now and then lets the Python
# handler run promptly.
_SIGNAL_POLL_S = 0.2


def wait_until_stopped(stop: threading.Event) -> None:
    """Block the calling (main) thread until ``stop`` is set."""
    while not stop.wait(_SIGNAL_POLL_S):
        pass


def freeze_startup_heap() -> None:
    """Keep what start-up loaded out of the cyclic collector's full scans.

    A role loads a few hundred thousand objects that live as long as the
    process (modules, SQLAlchemy and pydantic schemas, Kivy's styles). A
    full collection walks all of them: measured on the hub, 100-115 ms
    with every other thread waiting, about once in half a minute under
    steady swipes, which set the swipe latency's p99 by itself. Frozen
    after one last collection, they are never walked again; what the
    process makes afterwards is collected as before.
    """
    gc.collect()
    gc.freeze()
