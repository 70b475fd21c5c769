"""A portrait panel (800x1280) gets a layout of its own: stacked columns, finger-wide keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from devices.sim.pty import PtySimulator
from kiosk.ui.theme import TEXT_SIZES, Metrics, is_portrait, unit_for
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import KNOWN_CARD, UNKNOWN_CARD
from tests.ui.kiosk_ui import PIN, KioskUI
from tests.waiting import wait_until

MakeUI = Callable[..., KioskUI]
Labels = list[dict[str, Any]]
PORTRAIT = "800x1280"
TODAY = {"zh_CN": "今日活动", "en": "Today's activities"}
PROMPT = {"zh_CN": "请刷卡或刷身份证", "en": "Swipe your card or ID card"}
LETTERS = "QWERTYUIOPASDFGHJKLZXCVBNM"


def _label(labels: Labels, text: str) -> dict[str, Any]:
    found = [label for label in labels if label["text"] == text]
    assert found, f"no label {text!r} among {[label['text'] for label in labels]}"
    return found[0]


def _key(labels: Labels, kid: str) -> dict[str, Any]:
    found = [label for label in labels if label["kid"] == kid]
    assert found, f"no button {kid!r} on screen"
    return found[0]


def _contains(outer: list[float], inner: list[float], slack: float = 0.5) -> bool:
    x, y, w, h = outer
    ix, iy, iw, ih = inner
    return (
        x - slack <= ix
        and ix + iw <= x + w + slack
        and y - slack <= iy
        and iy + ih <= y + h + slack
    )


def _problems(labels: Labels, width: int, height: int) -> list[str]:
    """Button labels outside their button, and text drawn outside the window (or its scroller)."""
    window = [0.0, 0.0, float(width), float(height)]
    found = []
    for label in labels:
        if label["kid"] and not _contains(label["box"], label["text_box"]):
            found.append(f"{label['text']!r} spills out of its button {label['kid']}")
        # A scroll view shows only what lies inside it: the view itself must fit.
        shown = label["clip"] or label["text_box"]
        if not _contains(window, shown):
            found.append(f"{label['text']!r} outside the window at {shown}")
    return found


def _in_mode(ui: KioskUI, screen: str, lang: str, large: bool) -> Labels:
    """Wait for ``screen``, switch it to ``lang`` and the text mode, and return its layout."""
    state = ui.wait_screen(screen)
    if state["large_text"] != large:
        ui.tap("large_text")
    if state["lang"] != lang:
        ui.tap("lang")

    ui.wait_state(
        lambda now: (now["screen"], now["lang"], now["large_text"]) == (screen, lang, large),
        f"{screen} in {lang}, large text {large}",
        15,
    )
    return ui.layout()


def test_portrait_scales_against_the_turned_reference_and_keeps_landscape() -> None:
    assert unit_for(1280, 800) == 1.0 and unit_for(800, 480) == pytest.approx(0.6**0.75)
    assert unit_for(800, 1280) == unit_for(1280, 800)
    assert unit_for(1080, 1920) == unit_for(1920, 1080) == pytest.approx(1.35)
    assert is_portrait(800, 1280) and not is_portrait(1280, 800) and not is_portrait(900, 900)
    # The same pixel text sizes, so the same font faces, as the landscape panel.
    turned, upright = Metrics(unit=unit_for(800, 1280), portrait=True), Metrics()
    assert {turned.font(s) for s in TEXT_SIZES} == {upright.font(s) for s in TEXT_SIZES}


def test_portrait_idle_puts_today_below_the_prompt(kiosk_ui: MakeUI, nobody: BrokerInfo) -> None:
    ui = kiosk_ui(nobody, size=PORTRAIT)
    labels = _in_mode(ui, "idle", "zh_CN", large=False)
    prompt, today = _label(labels, PROMPT["zh_CN"]), _label(labels, TODAY["zh_CN"])
    menu = [label for label in labels if label["kid"].startswith("menu.")]
    assert len(menu) == 4
    lowest_button = min(label["box"][1] for label in menu)
    # Window y grows upwards: today's panel starts below the menu, not beside the prompt.
    assert today["box"][1] + today["box"][3] < lowest_button < prompt["box"][1]
    assert today["box"][0] < prompt["box"][0] + prompt["box"][2] / 2
    assert prompt["box"][2] > 600  # the prompt spans the panel's width


def test_a_turned_window_lays_the_idle_screen_out_again(
    kiosk_ui: MakeUI, nobody: BrokerInfo
) -> None:
    ui = kiosk_ui(nobody)  # 1280x800: today's activities beside the prompt
    labels = _in_mode(ui, "idle", "zh_CN", large=False)
    prompt, today = _label(labels, PROMPT["zh_CN"]), _label(labels, TODAY["zh_CN"])
    assert today["box"][0] > prompt["box"][0] + prompt["box"][2]
    ui.command(cmd="resize", size=[800, 1280])

    def stacked() -> Labels | None:
        now = ui.layout()
        prompt, today = _label(now, PROMPT["zh_CN"]), _label(now, TODAY["zh_CN"])
        return now if today["box"][1] + today["box"][3] < prompt["box"][1] else None

    labels = wait_until(stacked, 15, "today's activities below the prompt")
    assert _problems(labels, 800, 1280) == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_portrait_visitor_keys_are_finger_wide_and_roughly_square(
    kiosk_ui: MakeUI, nobody: BrokerInfo, lang: str
) -> None:
    ui = kiosk_ui(nobody, size=PORTRAIT)
    ui.wait_screen("idle")
    ui.tap("menu.visitor")
    labels = _in_mode(ui, "visitor", lang, large=False)
    for char in LETTERS:
        _x, _y, width, height = _key(labels, f"kb_name.{char}")["box"]
        assert width >= 60, (char, width)
        assert 0.7 <= height / width <= 1.4, (char, width, height)
    for digit in "0123456789":
        assert _key(labels, f"kb_phone.{digit}")["box"][3] >= 56
    # The name and its letter keys above the phone and its keypad, each across the width.
    q, one = _key(labels, "kb_name.Q"), _key(labels, "kb_phone.1")
    assert one["box"][1] + one["box"][3] < q["box"][1]
    p = _key(labels, "kb_name.P")
    assert p["box"][0] + p["box"][2] - q["box"][0] > 700
    assert _problems(labels, 800, 1280) == []


@pytest.mark.parametrize(
    ("lang", "large"), [("zh_CN", False), ("en", False), ("zh_CN", True), ("en", True)]
)
def test_every_portrait_screen_keeps_its_text_inside_buttons_and_window(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator, lang: str, large: bool
) -> None:
    ui = kiosk_ui(nobody, size=PORTRAIT, reader_driver="em4100", reader_port=em4100.port_path)
    problems: dict[str, list[str]] = {}

    def check(screen: str) -> None:
        found = _problems(_in_mode(ui, screen, lang, large), 800, 1280)
        if found:
            problems[screen] = found

    check("idle")
    em4100.present(KNOWN_CARD)
    check("result")
    walk = (
        ("menu.book", "rooms"),
        ("menu.activities", "activities"),
        ("menu.services", "services"),
    )
    for menu, screen in walk:
        ui.tap(menu)
        check(screen)
        if screen == "rooms":
            ui.tap("room.st01-hall")
            check("slots")
            ui.tap("back")
            ui.wait_screen("rooms")
        ui.tap("back")
        ui.wait_screen("result")
    ui.tap("menu.my_requests")
    check("my_requests")
    ui.tap("done")
    ui.wait_screen("idle")
    em4100.present(UNKNOWN_CARD)
    check("unknown")
    ui.tap("menu.visitor")
    check("visitor")
    ui.tap("cancel")
    ui.wait_screen("idle")
    ui.tap("staff")
    check("staff_pin")
    for digit in PIN:
        ui.tap(f"pin.{digit}")
    ui.tap("pin.ok")
    check("staff")
    assert problems == {}


def test_pin_digits_typed_before_the_panel_turns_are_kept(
    kiosk_ui: MakeUI, nobody: BrokerInfo
) -> None:
    ui = kiosk_ui(nobody)  # 1280x800
    ui.wait_screen("idle")
    ui.tap("staff")
    ui.wait_screen("staff_pin")
    for digit in PIN[:2]:
        ui.tap(f"pin.{digit}")
    ui.command(cmd="resize", size=[800, 1280])

    def turned() -> Labels | None:
        labels = ui.layout()
        return labels if max(label["box"][1] for label in labels) > 800 else None

    labels = wait_until(turned, 15, "the PIN screen laid out for 800x1280")
    assert "●●" in [label["text"] for label in labels]
    for digit in PIN[2:]:
        ui.tap(f"pin.{digit}")
    ui.tap("pin.ok")
    ui.wait_screen("staff")
