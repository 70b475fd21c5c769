"""Free a replaced screen promptly, and give a visit's memory back when the kiosk goes idle.

Every screen is built afresh (``KioskRoot.render``), so each visit leaves the
previous screens' widgets, label textures and pixel buffers behind to be
freed. Three things keep that memory in the process for longer than needed:
Kivy widgets sit in reference cycles that only Python's cycle collector
frees; Kivy deletes a dead texture's GL storage on a later frame; and glibc
keeps freed heap pages mapped, scattered between live blocks where its
automatic trim (top of the heap only) never reaches. Measured: idle resident
memory grew ~0.8 MB per scan and did not come back. Going idle is when no one
is waiting for the screen, so the kiosk does all three then (~10-30 ms).

Between two idle screens, a replaced screen (about 11,000 objects in Kivy's
cycles) would wait for a full collection, which the interpreter runs
rarely; a visit of many screens, or a queue of people scanning one after
another, piled them up, and the memory they took stayed in the process:
Python's small-object arenas are given back only when wholly empty, and
freed garbage leaves them partly full. Measured after 20 scans in a row:
idle resident memory 181 MB, of it 11.2 MB in partly used arenas. So
whatever ``KioskRoot`` replaces (a screen, the header and status bar) is
collected as soon as the frame that shows its successor is drawn (~7 ms,
after the person sees the new screen): 169 MB after 20 or 60 scans.
"""

from __future__ import annotations

import ctypes
import gc

from kivy.clock import Clock
from kivy.graphics.context import get_context

from config.lifecycle import glibc_malloc_function

_MALLOC_TRIM = glibc_malloc_function("malloc_trim", [ctypes.c_size_t], ctypes.c_int)


def collect_dead_screen_soon() -> None:
    """Collect what a render replaced once the frame that shows its successor is drawn.

    UI thread. Skipped when a full collection has run meanwhile: going idle
    releases at once (``release_freed_memory``), and collecting again would
    find nothing.
    """
    full_collections = _full_collections()

    def collect(_dt: float) -> None:
        if _full_collections() == full_collections:
            gc.collect()

    Clock.schedule_once(collect, 0)


def _full_collections() -> int:
    return int(gc.get_stats()[2]["collections"])


def release_freed_memory() -> None:
    """Collect dead widgets, delete their GL textures now, return free heap pages (UI thread)."""
    gc.collect()
    get_context().gl_dealloc()  # GL calls: only on the thread that owns the context
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)  # 0: keep no slack at the top; also releases free pages mid-heap
