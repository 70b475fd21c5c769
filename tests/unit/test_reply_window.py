"""The hub's reply window: at most N replies unacknowledged, waiting for the oldest.

The client is driven as the hub drives it, by one thread through
protocol.connection, so the window's waiting has to turn the connection to
see the broker's acknowledgements.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from config.settings import BrokerSettings
from hub.reply_window import ReplyWindow
from lianxin.broker import BrokerProcess
from protocol.connection import Connection
from protocol.lean_paho import LeanClient
from protocol.mqtt import connect_async, make_client
from tests.waiting import wait_until


def _turned_until(connection: Connection, done: Callable[[], bool], message: str) -> None:
    def turned() -> bool:
        connection.turn(0.05)
        return done()

    wait_until(turned, timeout=10, message=message)


@pytest.fixture
def driven(broker: BrokerProcess) -> Iterator[tuple[LeanClient, Connection]]:
    settings = BrokerSettings(
        host=broker.info.host, port=broker.info.port, reconnect_min_s=0.1, reconnect_max_s=1.0
    )
    client = make_client("reply-window", settings)
    client.max_inflight_messages_set(0)
    connect_async(client, settings)
    connection = Connection(client, settings, threading.Event())
    _turned_until(connection, client.is_connected, "connected to the test broker")
    yield client, connection
    connection.leave(None)


def test_admits_once_the_oldest_reply_is_acknowledged(
    driven: tuple[LeanClient, Connection],
) -> None:
    client, connection = driven
    window = ReplyWindow(limit=3, turn=connection.turn, connected=client.is_connected)
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
    driven: tuple[LeanClient, Connection], broker: BrokerProcess
) -> None:
    client, connection = driven
    broker.stop(kill=True)
    _turned_until(connection, lambda: not client.is_connected(), "client saw the broker go")
    window = ReplyWindow(limit=2, turn=connection.turn, connected=client.is_connected)
    for n in range(3):
        window.admit()
        window.sent(client.publish(f"lianxin/test/{n}", b"{}", qos=1))
    assert window.admit() == 1  # the oldest is given up on (paho keeps it queued)...
    assert len(window) == 1  # ...and the window has room again


def test_gives_up_after_its_patience_while_connected(
    driven: tuple[LeanClient, Connection],
) -> None:
    """A reply sent but never acknowledged (paho holds it: not a byte written yet)."""
    client, _ = driven
    turns: list[float] = []
    window = ReplyWindow(limit=1, turn=turns.append, connected=client.is_connected, patience_s=0.05)
    with client.holding_writes():  # the PUBLISH stays in paho's queue, so no PUBACK can come
        window.sent(client.publish("lianxin/test/held", b"{}", qos=1))
        assert window.admit() == 1
    assert turns  # it turned (here: a stand-in that does nothing) while it waited
