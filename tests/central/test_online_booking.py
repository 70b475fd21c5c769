"""Online bookings are decided by the hub through the same inbox as kiosk requests."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from protocol.ids import new_request_id
from protocol.topics import reply_topic, request_topic
from sync.online_bookings import request_id_for
from tests.central.stack import Central, CentralHub
from tests.system.stack import Stack
from tests.waiting import wait_until

PEOPLE_TZ = ZoneInfo("Asia/Shanghai")


def _slot() -> tuple[datetime, datetime]:
    """Tomorrow 10:00-11:00 in Shanghai: inside the demo hall's hours, never in the past."""
    tomorrow = datetime.now(PEOPLE_TZ).date() + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=PEOPLE_TZ)
    return start, start + timedelta(hours=1)


def test_online_and_kiosk_booking_for_the_same_slot_have_one_winner(
    stack: Stack, central: Central, central_hub: CentralHub
) -> None:
    central.start()
    central_hub.demo_data = True
    central_hub.start()
    probe = stack.probe()
    start, end = _slot()
    kiosk_request_id = new_request_id()
    kiosk_request = {
        "v": 1,
        "id": kiosk_request_id,
        "type": "booking_create",
        "station": "st01",
        "kiosk": "k1",
        "kiosk_time": datetime.now(PEOPLE_TZ).isoformat(),
        "seq": 1,
        "body": {
            "credential": {"kind": "rfid_em4100", "value": "AA00000001"},
            "room_id": "st01-hall",
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    }
    online_request = {
        "station": "st01",
        "room_id": "st01-hall",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "credential": {"kind": "rfid_em4100", "value": "BB00000002"},
        "note": "网上预约",
    }
    created: list[dict[str, object]] = []
    online = threading.Thread(
        target=lambda: created.append(central.admin("POST", "/online-bookings", online_request))
    )
    online.start()
    probe.publish(request_topic("st01", "k1", "booking_create"), json.dumps(kiosk_request).encode())
    online.join(timeout=30)
    booking_id = int(str(created[0]["id"]))

    kiosk_reply = wait_until(
        lambda: next(iter(probe.on(reply_topic("st01", "k1"))), None), 60, "kiosk reply"
    )
    decided = wait_until(
        lambda: central.admin("GET", f"/online-bookings/{booking_id}")["decision"],
        60,
        "online booking decided",
    )

    outcomes = sorted([kiosk_reply["status"], decided["status"]])
    assert outcomes == ["ok", "rejected"], (kiosk_reply, decided)
    loser = decided if decided["status"] == "rejected" else kiosk_reply
    assert loser["code"] == "slot_taken"
    assert decided["request_id"] == request_id_for(booking_id)
    assert central_hub.rows("SELECT request_id FROM inbox WHERE kiosk = 'central'") == [
        (request_id_for(booking_id),)
    ]
    assert central_hub.rows("SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'") == [(1,)]


def test_online_booking_for_an_unknown_room_gets_the_hubs_refusal(
    central: Central, central_hub: CentralHub
) -> None:
    central.start()
    central_hub.start()
    start, end = _slot()
    created = central.admin(
        "POST",
        "/online-bookings",
        {
            "station": "st02",
            "room_id": "no-such-room",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "credential": {"kind": "qr", "value": "token-1"},
        },
    )
    decided = wait_until(
        lambda: central.admin("GET", f"/online-bookings/{created['id']}")["decision"],
        60,
        "decided",
    )
    assert (decided["status"], decided["code"]) == ("rejected", "unknown_room")
    assert decided["decided_by"] == central.hub_id
