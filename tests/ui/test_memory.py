"""The kiosk's idle clean-up: garbage collected, GL trash emptied, heap trimmed."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.ui.kivy_process import run_kivy

CHECK = textwrap.dedent(
    """
    import gc, weakref
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label
    from kiosk.ui import memory

    gc.disable()  # only release_freed_memory may collect
    screen = BoxLayout()
    screen.add_widget(Label(text="old screen"))
    screen.loop = screen  # widgets of a left screen sit in cycles like this one
    gone = weakref.ref(screen)
    del screen
    assert gone() is not None
    memory.release_freed_memory()
    assert gone() is None, "the left screen is still alive"
    print("malloc_trim:", memory._MALLOC_TRIM is not None)
    """
)


def test_release_frees_a_left_screen_and_trims_the_heap(tmp_path: Path) -> None:
    done = run_kivy(CHECK, kivy_home=tmp_path / "kivy")
    assert done.returncode == 0, done.stderr[-3000:]
    # Our kiosks run on glibc (Debian): the trim must have been found there.
    assert "malloc_trim: True" in done.stdout, done.stdout
