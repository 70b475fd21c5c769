"""A long-running role's process: settle its start-up heap, run until asked to stop."""

from __future__ import annotations

import ctypes
import gc
import os
import threading
from collections.abc import Callable
from typing import Any

# A signal the kernel delivers to another thread does not wake a main thread
# blocked in an untimed Event.wait(); waking up now and then lets the Python
# handler run promptly.
_SIGNAL_POLL_S = 0.2
# glibc's mallopt parameter for the number of malloc arenas (malloc.h).
_M_ARENA_MAX = -8
# Arenas for a role's threads to share: see limit_malloc_arenas.
ROLE_MALLOC_ARENAS = 2


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


def glibc_malloc_function(
    name: str, argtypes: list[Any], restype: Any
) -> Callable[..., int] | None:
    """glibc's allocator function ``name``; None on a C library without it (musl)."""
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = restype
    return function  # type: ignore[no-any-return]


def limit_malloc_arenas(arenas: int = ROLE_MALLOC_ARENAS) -> bool:
    """Let the process's threads share ``arenas`` malloc arenas; whether it was set.

    glibc gives threads arenas of their own, up to eight per core, and
    keeps each arena's freed memory scattered between live blocks, where
    trimming never reaches it. The hub's threads (worker, MQTT, sync,
    singletons, dashboard) each allocate request-sized blocks at their own
    pace: draining 300,000 scans, the hub grew from 117 to 140 MB, still
    rising, while the Python objects it held stayed the same (tracemalloc);
    with two arenas it held at 118-123 MB, for the same CPU per scan
    (bench/offline_week.py; a longer drain in docs/performance-rounds.md). Call it
    first thing, before any thread starts. An operator's ``MALLOC_ARENA_MAX``
    wins: glibc read it at start, and it is left alone.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = glibc_malloc_function("mallopt", [ctypes.c_int, ctypes.c_int], ctypes.c_int)
    return mallopt is not None and mallopt(_M_ARENA_MAX, arenas) == 1
