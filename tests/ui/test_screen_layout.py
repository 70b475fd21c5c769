"""What people see on a screen: one thought per line, text inside its button, sharp text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import KNOWN_CARD
from tests.ui.kiosk_ui import KioskUI

MakeUI = Callable[..., KioskUI]


def _label(labels: list[dict[str, Any]], text: str) -> dict[str, Any]:
    found = [label for label in labels if label["text"] == text]
    assert found, f"no label {text!r} among {[label['text'] for label in labels]}"
    return found[0]


def test_purpose_greets_and_asks_on_separate_lines_in_sharp_text(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path, running=True)
    ui.wait_screen("idle")
    em4100.present(KNOWN_CARD)
    ui.wait_screen("purpose")
    labels = ui.layout()
    greeting, question = _label(labels, "张*明，欢迎您"), _label(labels, "请问您今天来做什么？")
    assert greeting["box"][1] > question["box"][1]  # the greeting above the question
    # Text between two pixel rows is drawn blurred: every answer sits on whole pixels.
    for label in labels:
        x, y = label["text_box"][:2]
        assert (x, y) == (round(x), round(y)), label
