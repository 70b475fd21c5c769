"""The real kiosk app under Xvfb: real reader driver, real screens, real hub and broker."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo, BrokerProcess
from tests.kiosk.fixtures import KNOWN_CARD, UNKNOWN_CARD
from tests.system.stack import Hub
from tests.ui.kiosk_ui import PIN, KioskUI, book_tomorrow_ten
from tests.waiting import wait_until

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Data that is the same in both languages, and the language button's own label.
SAME_IN_BOTH = ("张*明", "中文", "English")

MakeUI = Callable[..., KioskUI]


def _present(sim: PtySimulator, card: str) -> None:
    sim.present(card)


def test_simulated_scan_reaches_the_result_screen(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    _present(em4100, KNOWN_CARD)
    state = ui.wait_screen("result")
    assert any("张*明" in text for text in state["texts"])
    assert state["recorded"] == {"answered": False, "visits": None}  # offline: not counted yet
    assert state["status"]["online"] is False


def test_wedge_scanner_keys_become_a_scan(kiosk_ui: MakeUI, nobody: BrokerInfo) -> None:
    ui = kiosk_ui(nobody, reader_driver="wedge", reader_port="ui")
    ui.wait_screen("idle")
    ui.command(cmd="keys", text="LX-VISITOR-0042")
    # A QR code nobody registered: the wedge's keys became a scan the roster does not know.
    ui.wait_screen("unknown")


def test_booking_end_to_end_the_hubs_answer_replaces_pending(
    tmp_path: Path, kiosk_ui: MakeUI, broker: BrokerProcess, em4100: PtySimulator
) -> None:
    hub = Hub(tmp_path / "hub", broker.info).start()
    try:
        ui = kiosk_ui(broker.info, reader_driver="em4100", reader_port=em4100.port_path)
        wait_until(lambda: ui.state()["status"]["online"], 30, "kiosk online")
        _present(em4100, KNOWN_CARD)
        ui.wait_screen("result")
        wait_until(lambda: (ui.state()["recorded"] or {}).get("visits") == 1, 30, "visit counted")
        book_tomorrow_ten(ui)
        answered = wait_until(
            lambda: (s := ui.state())["tracked"] not in (None, "pending") and s,
            30,
            "the hub's answer on screen",
        )
        assert answered["tracked"] in ("ok", "rejected")
        assert not any("Pending" in t or "待确认" in t for t in answered["texts"])
    finally:
        assert hub.process is not None
        hub.process.kill()


def test_booking_is_pending_while_the_broker_is_stopped(
    tmp_path: Path, kiosk_ui: MakeUI, broker: BrokerProcess, em4100: PtySimulator
) -> None:
    hub = Hub(tmp_path / "hub", broker.info).start()
    try:
        ui = kiosk_ui(broker.info, reader_driver="em4100", reader_port=em4100.port_path)
        wait_until(lambda: ui.state()["status"]["online"], 30, "kiosk online")
        broker.stop(kill=True)
        wait_until(lambda: not ui.state()["status"]["online"], 30, "kiosk offline")
        _present(em4100, KNOWN_CARD)
        ui.wait_screen("result")
        book_tomorrow_ten(ui)
        state = ui.state()
        assert state["tracked"] == "pending"
        assert any("待确认" in text for text in state["texts"])
        assert any("暂时无法连接中心" in text for text in state["texts"])
        assert not any("已确认" in text for text in state["texts"])
        broker.start()
        wait_until(lambda: ui.state()["tracked"] != "pending", 60, "answer after the outage")
    finally:
        assert hub.process is not None
        hub.process.kill()


def test_inactivity_returns_to_idle(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path, idle_timeout_s=5)
    _present(em4100, KNOWN_CARD)
    ui.wait_screen("result")
    ui.tap("menu.activities")
    ui.wait_screen("activities")
    state = ui.wait_screen("idle", timeout=30)
    assert not any("张*明" in text for text in state["texts"])


def _check_language(state: dict[str, object], lang: str) -> list[str]:
    """Texts that are in the wrong language for ``lang``."""
    wrong = []
    for text in state["texts"]:  # type: ignore[attr-defined]
        if any(same in text for same in SAME_IN_BOTH):
            continue
        if lang == "en" and CJK.search(text):
            wrong.append(text)
        if lang == "zh_CN" and LATIN_WORD.search(text) and not CJK.search(text):
            wrong.append(text)
    return wrong


def test_language_switch_changes_every_visible_string(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)

    def both_languages(screen: str) -> None:
        zh = ui.wait_screen(screen)
        assert zh["lang"] == "zh_CN"
        assert _check_language(zh, "zh_CN") == []
        ui.tap("lang")
        en = wait_until(lambda: (s := ui.state())["lang"] == "en" and s, 10, "English")
        assert _check_language(en, "en") == []
        unchanged = set(zh["texts"]) & set(en["texts"])
        assert {t for t in unchanged if CJK.search(t) or LATIN_WORD.search(t)} <= {"张*明"}
        ui.tap("lang")
        wait_until(lambda: ui.state()["lang"] == "zh_CN", 10, "Chinese again")

    both_languages("idle")
    _present(em4100, KNOWN_CARD)
    both_languages("result")
    ui.tap("menu.book")
    both_languages("rooms")
    ui.tap("room.st01-hall")
    both_languages("slots")
    ui.tap("back")
    ui.wait_screen("rooms")
    ui.tap("back")
    ui.wait_screen("result")
    ui.tap("menu.activities")
    both_languages("activities")
    ui.tap("back")
    ui.wait_screen("result")
    ui.tap("menu.services")
    both_languages("services")
    ui.tap("back")
    ui.wait_screen("result")
    ui.tap("done")
    ui.wait_screen("idle")  # a tap still in flight would land on the next screen
    _present(em4100, UNKNOWN_CARD)
    both_languages("unknown")
    ui.tap("menu.visitor")
    both_languages("visitor")
    ui.tap("cancel")
    ui.wait_screen("idle")
    ui.tap("staff")
    both_languages("staff_pin")
    for digit in PIN:
        ui.tap(f"pin.{digit}")
    ui.tap("pin.ok")
    both_languages("staff")
