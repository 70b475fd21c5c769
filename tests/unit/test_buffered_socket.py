"""paho reads through a 64 KiB buffer: every packet still arrives, whole and in order."""

from __future__ import annotations

import socket
import threading

from config.settings import BrokerSettings
from lianxin.broker import BrokerProcess
from protocol.buffered_socket import BufferedSocket
from protocol.mqtt import connect_async, make_client
from tests.waiting import wait_until


def test_reads_come_from_one_large_read_and_pending_says_what_is_left() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"\x30\x05hello\x40\x02\x00\x01")
        buffered = BufferedSocket(ours)
        assert buffered.recv(1) == b"\x30"  # one recv() on the socket fetched it all
        assert buffered.pending() == 10
        assert buffered.recv(1) == b"\x05" and buffered.recv(5) == b"hello"
        assert buffered.recv(16) == b"\x40\x02\x00\x01"  # never more than is buffered
        assert buffered.pending() == 0
        assert buffered.fileno() == ours.fileno()  # the rest is the socket's


def test_thousands_of_messages_through_the_buffer_arrive_whole_and_in_order(
    broker: BrokerProcess,
) -> None:
    settings = BrokerSettings(host=broker.info.host, port=broker.info.port)
    client = make_client("buffered-read-test", settings)
    received: list[bytes] = []
    subscribed = threading.Event()
    client.on_message = lambda _c, _u, msg: received.append(msg.payload)
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_connect = lambda c, *_: c.subscribe("lianxin/test/#", qos=1)
    connect_async(client, settings)
    client.loop_start()
    try:
        wait_until(subscribed.is_set, timeout=10, message="subscribed")
        assert isinstance(client.socket(), BufferedSocket)  # the paho hook is in place
        assert client.socket().getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        # Sizes that straddle the buffer's edges: packets split across reads.
        sent = [bytes([n % 251]) * (1 + (n * 37) % 3000) for n in range(3000)]
        for payload in sent:
            client.publish("lianxin/test/echo", payload, qos=1)
        wait_until(lambda: len(received) >= len(sent), timeout=60, message="all echoed")
        assert received == sent
    finally:
        client.disconnect()
        client.loop_stop()
