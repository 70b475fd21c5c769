"""200 kiosks ask for one slot at once, over a real broker: exactly one booking.

Real Mosquitto, real hub processes, real MQTT messages. On SQLite one hub
decides; on PostgreSQL three hub workers share the requests through a
shared subscription and race for the same slot row in one database.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

import hub.domain  # noqa: F401
from hub.db import make_engine, migrate
from hub.domain.clock import PEOPLE_TZ
from lianxin.broker import BrokerInfo, BrokerProcess
from protocol.ids import new_request_id
from protocol.topics import request_topic
from tests.domain.hubs import HubWorker, scalar
from tests.system.stack import Probe
from tests.waiting import wait_until

REQUESTS = 200
PUBLISHERS = 20


def _slot() -> tuple[datetime, datetime]:
    """Tomorrow 10:00–11:00 in Shanghai: inside the demo hall's hours, never in the past."""
    tomorrow = datetime.now(PEOPLE_TZ).date() + timedelta(days=1)
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=PEOPLE_TZ)
    return start, start + timedelta(hours=1)


def _requests() -> list[tuple[str, bytes]]:
    start, end = _slot()
    made = []
    for number in range(1, REQUESTS + 1):
        kiosk = f"k{number:03d}"
        payload = {
            "v": 1,
            "id": new_request_id(),
            "type": "booking_create",
            "station": "st01",
            "kiosk": kiosk,
            "kiosk_time": datetime.now(PEOPLE_TZ).isoformat(),
            "seq": 1,
            "lang": "zh_CN",
            "body": {
                "credential": {"kind": "rfid_em4100", "value": f"{number:010X}"},
                "room_id": "st01-hall",
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
        }
        made.append((request_topic("st01", kiosk, "booking_create"), json.dumps(payload).encode()))
    return made


def _publish_all_at_once(broker: BrokerInfo, requests: list[tuple[str, bytes]]) -> None:
    """PUBLISHERS connections, released together by a barrier, each sending its share."""
    clients = []
    for index in range(PUBLISHERS):
        client = mqtt.Client(CallbackAPIVersion.VERSION2, f"crowd-{index}", protocol=mqtt.MQTTv5)
        client.connect(broker.host, broker.port)
        client.loop_start()
        clients.append(client)
    for client in clients:
        wait_until(client.is_connected, 10, "publisher connected")
    barrier = threading.Barrier(PUBLISHERS)

    def send(index: int) -> None:
        share = requests[index::PUBLISHERS]
        barrier.wait()
        infos = [clients[index].publish(topic, payload, qos=1) for topic, payload in share]
        for info in infos:
            info.wait_for_publish(timeout=30)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(PUBLISHERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.disconnect()
        client.loop_stop()


def _race(broker: BrokerInfo, database_url: str) -> Counter[tuple[str, str]]:
    probe = Probe(broker, "lianxin/v1/st/st01/k/+/reply")
    try:
        _publish_all_at_once(broker, _requests())
        replies = wait_until(
            lambda: len(probe.messages) >= REQUESTS and [json.loads(p) for _, p in probe.messages],
            120,
            f"{REQUESTS} replies",
        )
    finally:
        probe.close()
    assert len({reply["request_id"] for reply in replies}) == REQUESTS
    assert scalar(database_url, "SELECT COUNT(*) FROM bookings WHERE room_id = 'st01-hall'") == 1
    assert scalar(database_url, "SELECT COUNT(*) FROM inbox") == REQUESTS
    return Counter((reply["status"], reply["code"]) for reply in replies)


def test_200_kiosks_one_slot_one_booking_on_sqlite(tmp_path: Path, broker: BrokerProcess) -> None:
    url = f"sqlite:///{tmp_path / 'hub' / 'hub.db'}"
    worker = HubWorker(tmp_path / "hub", broker.info, url).start()
    try:
        outcomes = _race(broker.info, url)
    finally:
        worker.stop()
    assert outcomes == {("ok", "booked"): 1, ("rejected", "slot_taken"): REQUESTS - 1}


def test_200_kiosks_one_slot_one_booking_on_postgresql_with_three_workers(
    tmp_path: Path, broker: BrokerProcess, postgres_url: str
) -> None:
    # Migrate once before the workers start: three hubs migrating one empty
    # database at the same moment would race on CREATE TABLE.
    engine = make_engine(postgres_url)
    migrate(engine)
    engine.dispose()
    first = HubWorker(tmp_path / "hub-1", broker.info, postgres_url, hub_id="hub-1").start()
    workers = [first] + [
        HubWorker(tmp_path / f"hub-{n}", broker.info, postgres_url, hub_id=f"hub-{n}").start()
        for n in (2, 3)
    ]
    try:
        outcomes = _race(broker.info, postgres_url)
        handled = [worker.handled() for worker in workers]
    finally:
        for worker in workers:
            worker.stop()
    assert outcomes == {("ok", "booked"): 1, ("rejected", "slot_taken"): REQUESTS - 1}
    assert sum(1 for count in handled if count > 0) >= 2, f"requests per worker: {handled}"
    assert sum(handled) == REQUESTS
