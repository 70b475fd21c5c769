"""What people see on a screen: one thought per line, text inside its button, sharp text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import KNOWN_CARD
from tests.ui.kiosk_ui import KioskUI
from tests.waiting import wait_until

MakeUI = Callable[..., KioskUI]
PROMPT = {"zh_CN": "请刷卡或刷身份证", "en": "Swipe your card or ID card"}
QR_LINE = {"zh_CN": "或在读卡器上扫描二维码", "en": "or scan your QR code on the reader"}


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


def _inside(label: dict[str, Any]) -> bool:
    x, y, w, h = label["box"]
    tx, ty, tw, th = label["text_box"]
    return x <= tx and tx + tw <= x + w and y <= ty and ty + th <= y + h


def _large_text_idle(ui: KioskUI, lang: str) -> list[dict[str, Any]]:
    ui.wait_screen("idle")
    ui.tap("large_text")
    wait_until(lambda: ui.state()["large_text"], 10, "large text")
    if lang == "en":
        ui.tap("lang")
    state = wait_until(
        lambda: (s := ui.state())["lang"] == lang and s["rendered_version"] == s["version"] and s,
        10,
        f"idle in {lang}",
    )
    assert state["screen"] == "idle"
    return ui.layout()


@pytest.mark.parametrize(
    ("size", "lang"), [("800x480", "en"), ("800x480", "zh_CN"), ("800x1280", "zh_CN")]
)
def test_large_text_idle_keeps_every_label_inside_its_button(
    kiosk_ui: MakeUI, nobody: BrokerInfo, size: str, lang: str
) -> None:
    ui = kiosk_ui(nobody, size=size)
    labels = _large_text_idle(ui, lang)
    menu = [label for label in labels if label["kid"].startswith("menu.")]
    assert len(menu) == 4
    spilled = [label["text"] for label in menu if not _inside(label)]
    assert spilled == []
    # The prompt's two lines do not run into each other.
    heading = labels[[label["text"] for label in labels].index(PROMPT[lang])]
    below = [label for label in labels if label["text"] == QR_LINE[lang]]
    if below:
        assert heading["text_box"][1] >= below[0]["text_box"][1] + below[0]["text_box"][3]


def test_a_no_data_message_sits_under_its_title_not_above_back(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    em4100.present(KNOWN_CARD)
    ui.wait_screen("result")
    ui.tap("menu.services")  # this kiosk has no service catalogue yet
    ui.wait_screen("services")
    labels = ui.layout()
    title, message = _label(labels, "红色代办"), _label(labels, "代办服务目录尚未同步。")
    back = next(label for label in labels if label["kid"] == "back")
    gap_below_title = title["box"][1] - (message["box"][1] + message["box"][3])
    assert 0 <= gap_below_title <= 40
    assert message["box"][1] - (back["box"][1] + back["box"][3]) > 200  # the room is below
