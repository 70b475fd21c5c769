"""Run until asked to stop, in a way signals can always interrupt."""

from __future__ import annotations

import threading

# A signal the kernel delivers to another thread does not wake a main thread
# blocked in an untimed Event.wait(); waking up now and then lets the Python
# handler run promptly.
_SIGNAL_POLL_S = 0.2


def wait_until_stopped(stop: threading.Event) -> None:
    """Block the calling (main) thread until ``stop`` is set."""
    while not stop.wait(_SIGNAL_POLL_S):
        pass
