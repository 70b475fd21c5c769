"""The kiosk's memory clean-up: replaced screens freed at once, the heap trimmed at idle."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import KNOWN_CARD, MEMBER_CARD
from tests.ui.kiosk_ui import KioskUI
from tests.ui.kivy_process import run_kivy
from tests.waiting import wait_until

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


def test_a_replaced_screen_is_freed_without_waiting_for_idle(
    kiosk_ui: Callable[..., KioskUI], nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    # Long enough that the kiosk never goes idle (and trims) during the test.
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path, idle_timeout_s=600)
    ui.wait_screen("idle")

    def all_freed() -> bool:
        return ui.command(cmd="detached")["widgets"] == 0

    for card in (KNOWN_CARD, MEMBER_CARD):  # one after another, as a queue of people scans
        em4100.present(card)
        ui.wait_screen("result")
        wait_until(all_freed, 10, "the screen before the scan's freed")
        em4100.remove()
        ui.tap("menu.activities")
        ui.wait_screen("activities")
        wait_until(all_freed, 10, "the result screen freed")
        ui.tap("back")
        ui.wait_screen("result")
        wait_until(all_freed, 10, "the activities screen freed")
        ui.tap("done")
        ui.wait_screen("idle")
