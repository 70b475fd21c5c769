"""What the screens say to people: names and words, never the ids behind them."""

from __future__ import annotations

from collections.abc import Callable

from devices.sim.pty import PtySimulator
from lianxin.broker import BrokerInfo
from tests.kiosk.fixtures import MEMBER_CARD
from tests.ui.kiosk_ui import KioskUI
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
    assert any("附近站点" in text for text in rooms["texts"])  # the st02 café
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
