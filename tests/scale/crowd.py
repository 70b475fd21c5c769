"""Booking requests from many kiosks at once, sent again until each is answered.

Like a kiosk, the crowd keeps every request until the hub's reply comes
and resends it (same id) now and then: a hub worker killed with a
request in flight must not cost the person their booking request.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hub.domain.clock import PEOPLE_TZ
from lianxin.broker import BrokerInfo
from protocol.ids import new_request_id
from protocol.topics import request_topic
from tests.waiting import wait_until

RESEND_AFTER_S = 3.0


def tomorrow_at(hour: int) -> tuple[datetime, datetime]:
    """An hour tomorrow in Shanghai: inside the demo rooms' hours, never in the past."""
    day = datetime.now(PEOPLE_TZ).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, hour, tzinfo=PEOPLE_TZ)
    return start, start + timedelta(hours=1)


class BookingCrowd:
    """``per_slot`` people each asking for every (room, hour) slot; one MQTT client."""

    def __init__(self, broker: BrokerInfo, slots: list[tuple[str, int]], per_slot: int) -> None:
        self.requests: dict[str, tuple[str, bytes]] = {}
        self.replies: dict[str, dict[str, object]] = {}
        self._lock = threading.Lock()
        self._last_sent = 0.0
        number = 0
        for room, hour in slots:
            start, end = tomorrow_at(hour)
            for _ in range(per_slot):
                number += 1
                kiosk = f"crowd{number:03d}"
                request_id = new_request_id()
                envelope = {
                    "v": 1,
                    "id": request_id,
                    "type": "booking_create",
                    "station": "st01",
                    "kiosk": kiosk,
                    "kiosk_time": datetime.now(PEOPLE_TZ).isoformat(),
                    "seq": 1,
                    "lang": "zh_CN",
                    "body": {
                        "credential": {"kind": "rfid_em4100", "value": f"{0xC0000 + number:010X}"},
                        "room_id": room,
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                    },
                }
                topic = request_topic("st01", kiosk, "booking_create")
                self.requests[request_id] = (topic, json.dumps(envelope).encode())
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, "booking-crowd", protocol=mqtt.MQTTv5
        )
        self._client.on_message = self._on_reply
        subscribed = threading.Event()
        self._client.on_subscribe = lambda *_args: subscribed.set()
        self._client.connect(broker.host, broker.port)
        self._client.loop_start()
        self._client.subscribe("lianxin/v1/st/st01/k/+/reply", qos=1)
        wait_until(subscribed.is_set, 10, "crowd subscribed")

    def send_unanswered(self) -> None:
        """Publish every request that has no reply yet (all of them, the first time)."""
        self._last_sent = time.monotonic()
        with self._lock:
            waiting = [value for key, value in self.requests.items() if key not in self.replies]
        for topic, payload in waiting:
            self._client.publish(topic, payload, qos=1)

    def all_answered(self) -> bool:
        """True once every request has a reply; resends the rest now and then."""
        with self._lock:
            done = len(self.replies) == len(self.requests)
        if not done and time.monotonic() - self._last_sent > RESEND_AFTER_S:
            self.send_unanswered()
        return done

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _on_reply(self, _client: mqtt.Client, _userdata: object, msg: mqtt.MQTTMessage) -> None:
        reply = json.loads(msg.payload)
        request_id = reply.get("request_id")
        with self._lock:
            if request_id in self.requests and request_id not in self.replies:
                self.replies[request_id] = reply
