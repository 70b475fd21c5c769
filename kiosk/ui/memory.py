"""Give the memory a finished visit freed back to the system when the kiosk goes idle.

Every screen is built afresh (``KioskRoot.render``), so each visit leaves the
previous screens' widgets, label textures and pixel buffers behind to be
freed. Three things keep that memory in the process for longer than needed:
Kivy widgets sit in reference cycles that only Python's cycle collector
frees; Kivy deletes a dead texture's GL storage on a later frame; and glibc
keeps freed heap pages mapped, scattered between live blocks where its
automatic trim (top of the heap only) never reaches. Measured: idle resident
memory grew ~0.8 MB per scan and did not come back. Going idle is when no one
is waiting for the screen, so the kiosk does all three then (~10-30 ms).
"""

from __future__ import annotations

import ctypes
import gc

from kivy.graphics.context import get_context

from config.lifecycle import glibc_malloc_function

_MALLOC_TRIM = glibc_malloc_function("malloc_trim", [ctypes.c_size_t], ctypes.c_int)


def release_freed_memory() -> None:
    """Collect dead widgets, delete their GL textures now, return free heap pages (UI thread)."""
    gc.collect()
    get_context().gl_dealloc()  # GL calls: only on the thread that owns the context
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)  # 0: keep no slack at the top; also releases free pages mid-heap
