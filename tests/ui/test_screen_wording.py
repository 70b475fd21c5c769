"""What the screens say to people: names and words, never the ids behind them."""

from __future__ import annotations

from collections.abc import Callable

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import KNOWN_CARD, MEMBER_CARD, UNKNOWN_CARD
from tests.ui.kiosk_ui import PIN, KioskUI, book_tomorrow_ten
from tests.waiting import wait_until

MakeUI = Callable[..., KioskUI]
IDS = ("st02", "org-")


def _no_ids(texts: list[str]) -> None:
    assert not [text for text in texts if any(raw in text for raw in IDS)], texts


def test_rooms_and_member_registration_show_no_raw_ids(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    em4100.present(MEMBER_CARD)
    ui.wait_screen("result")
    ui.tap("menu.book")
    rooms = ui.wait_screen("rooms")
    _no_ids(rooms["texts"])
    assert any("国贸站" in text for text in rooms["texts"])  # the st02 café, by its station
    ui.tap("back")
    ui.wait_screen("result")
    ui.tap("member_register")
    request = ui.wait_screen("request")
    _no_ids(request["texts"])
    assert "党员报到：本楼宇党组织" in request["texts"]
    ui.tap("back")
    ui.wait_screen("result")
    ui.tap("menu.my_requests")
    mine = ui.wait_screen("my_requests")
    _no_ids(mine["texts"])
    ui.tap("lang")
    english = wait_until(
        lambda: (s := ui.state())["lang"] == "en" and s["rendered_version"] == s["version"] and s,
        10,
        "English on screen",
    )
    assert "Party member registration: this building's Party organisation" in english["texts"]


def _swipe(ui: KioskUI, reader: PtySimulator, card: str) -> dict[str, object]:
    """Present and take away ``card`` until the kiosk shows a new scan's result.

    The reader takes the same card again only after its 3 s duplicate window.
    """

    def swiped() -> dict[str, object] | None:
        reader.present(card)
        reader.remove()
        state = ui.state()
        return state if state["screen"] == "result" else None

    wait_until(swiped, 20, "a new swipe's result", poll=0.7)
    return ui.wait_screen("result")


def test_result_screen_names_the_kind_of_request_then_its_answer(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    _swipe(ui, em4100, KNOWN_CARD)
    tomorrow = book_tomorrow_ten(ui)
    ui.tap("done")
    ui.wait_screen("idle")
    texts = _swipe(ui, em4100, KNOWN_CARD)["texts"]
    day = f"{tomorrow.month}月{tomorrow.day}日"
    assert f"场地预约：党群议事厅 {day} 10:00–11:00" in texts, texts
    assert "待确认：等待中心答复" in texts


def test_a_phone_number_of_too_few_digits_is_called_too_short(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    em4100.present(UNKNOWN_CARD)
    ui.wait_screen("unknown")
    ui.tap("menu.visitor")
    ui.wait_screen("visitor")
    for key in ("kb_name.L", "kb_name.I", "kb_phone.1", "kb_phone.3", "kb_phone.8", "kb_phone.0"):
        ui.tap(key)
    wait_until(lambda: "1380▏" in ui.state()["texts"], 10, "the phone typed")
    before = ui.state()["version"]
    ui.tap("consent")
    wait_until(
        lambda: (s := ui.state())["version"] > before and s["rendered_version"] == s["version"],
        10,
        "consent ticked",
    )
    ui.tap("submit")
    texts = wait_until(
        lambda: "手机号码位数不够，请输入完整号码" in (t := ui.state()["texts"]) and t,
        10,
        "the length message",
    )
    assert "请输入手机号码（仅数字）" not in texts


def test_staff_screens_say_a_wrong_pin_plainly_and_name_request_types_in_words(
    kiosk_ui: MakeUI, nobody: BrokerInfo, em4100: PtySimulator
) -> None:
    ui = kiosk_ui(nobody, reader_driver="em4100", reader_port=em4100.port_path)
    ui.wait_screen("idle")
    em4100.present(KNOWN_CARD)  # a check-in in the outbox
    ui.wait_screen("result")
    ui.tap("done")
    ui.wait_screen("idle")
    ui.tap("staff")
    ui.wait_screen("staff_pin")
    for digit in "1111":
        ui.tap(f"pin.{digit}")
    wait_until(lambda: "●●●●" in ui.state()["texts"], 10, "four digits typed")
    ui.tap("pin.ok")
    texts = wait_until(
        lambda: "密码错误，请重新输入" in (t := ui.state()["texts"]) and t, 10, "wrong PIN"
    )
    assert "工作人员" in texts  # the title stays the title
    for digit in PIN:
        ui.tap(f"pin.{digit}")
    ui.tap("pin.ok")
    texts = ui.wait_screen("staff")["texts"]
    assert any("签到" in text and "待发送" in text for text in texts), texts
    assert not any("check_in" in text for text in texts)
