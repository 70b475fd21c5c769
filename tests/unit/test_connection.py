"""protocol.connection: work handed over from other threads runs on the owning thread."""

from __future__ import annotations

import threading

from config.settings import BrokerSettings
from lianxin.broker import BrokerProcess
from protocol.connection import Connection
from protocol.mqtt import connect_async, make_client
from tests.waiting import wait_until


def test_a_call_from_another_thread_runs_on_the_owner_within_its_turn(
    broker: BrokerProcess,
) -> None:
    settings = BrokerSettings(host=broker.info.host, port=broker.info.port)
    client = make_client("connection-calls", settings)
    connect_async(client, settings)
    connection = Connection(client, settings, threading.Event())
    try:
        wait_until(
            lambda: connection.turn(0.1) or client.is_connected(), message="connected to the broker"
        )
        ran_on: list[int] = []
        handed = threading.Thread(
            target=connection.call_soon, args=(lambda: ran_on.append(threading.get_ident()),)
        )
        handed.start()
        handed.join()
        assert not ran_on  # nothing runs until the owner turns
        connection.turn(0.0)
        assert ran_on == [threading.get_ident()]
    finally:
        connection.leave(None)
