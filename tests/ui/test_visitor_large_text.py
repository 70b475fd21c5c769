"""Visitor registration in large text on a 7" panel: one keyboard, for the field tapped."""

from __future__ import annotations

from collections.abc import Callable

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import UNKNOWN_CARD
from tests.ui.kiosk_ui import KioskUI
from tests.waiting import wait_until

MakeUI = Callable[..., KioskUI]


def test_large_text_registration_types_into_the_field_tapped(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path, size="800x480")
    ui.wait_screen("idle")
    em4100.present(UNKNOWN_CARD)
    ui.wait_screen("unknown")
    ui.tap("menu.visitor")
    ui.wait_screen("visitor")
    ui.tap("large_text")
    kids = wait_until(
        lambda: "field.name" in (k := ui.state()["kids"]) and k, 15, "large-text fields"
    )
    assert "kb_name.Q" in kids and "kb_phone.1" not in kids  # the name's keys first
    ui.tap("kb_name.L")
    ui.tap("field.phone")
    kids = wait_until(
        lambda: "kb_phone.1" in (k := ui.state()["kids"]) and k, 15, "the phone's keys"
    )
    assert "kb_name.Q" not in kids
    for digit in "138":
        ui.tap(f"kb_phone.{digit}")
    state = wait_until(lambda: "138▏" in (s := ui.state())["texts"] and s, 15, "the phone typed")
    assert "L▏" in state["texts"], "the name typed before is kept"
    ui.tap("field.name")
    wait_until(lambda: "kb_name.Q" in ui.state()["kids"], 15, "the name's keys again")
