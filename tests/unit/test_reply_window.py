"""The hub's reply window: at most N replies unacknowledged, waiting for the oldest."""

from __future__ import annotations

from collections.abc import Iterator

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from hub.reply_window import ReplyWindow
from lianxin.broker import BrokerProcess
from tests.waiting import wait_until


@pytest.fixture
def client(broker: BrokerProcess) -> Iterator[mqtt.Client]:
    made = mqtt.Client(CallbackAPIVersion.VERSION2, "reply-window", protocol=mqtt.MQTTv5)
    made.connect(broker.info.host, broker.info.port)
    made.loop_start()
    wait_until(made.is_connected, timeout=10, message="connected to the test broker")
    yield made
    made.disconnect()
    made.loop_stop()


def test_admits_once_the_oldest_reply_is_acknowledged(client: mqtt.Client) -> None:
    window = ReplyWindow(limit=3)
    infos = []
    for n in range(10):
        assert window.admit() == 0
        info = client.publish(f"lianxin/test/{n}", b"{}", qos=1)
        window.sent(info)
        infos.append(info)
        assert len(window) <= 3
    # Every reply before the last three was acknowledged before the next was admitted.
    assert all(info.is_published() for info in infos[:7])


def test_gives_up_waiting_when_the_broker_is_away(
    client: mqtt.Client, broker: BrokerProcess
) -> None:
    broker.stop(kill=True)
    wait_until(lambda: not client.is_connected(), timeout=10, message="client saw the broker go")
    window = ReplyWindow(limit=2, patience_s=0.1)
    for n in range(3):
        window.admit()
        window.sent(client.publish(f"lianxin/test/{n}", b"{}", qos=1))
    assert window.admit() == 1  # the oldest is given up on (paho keeps it queued)...
    assert len(window) == 1  # ...and the window has room again
