"""One thread drives an MQTT connection, through paho's external-loop API.

paho's own network thread (``loop_start``) hands every packet between two
threads: a publish from the sender wakes the network thread through a
socket, and a reply wakes the sender through an event. On the kiosk, at
thousands of requests a second, that hand-over cost more than the work
itself (a request went from 284-294 to 226-243 µs of CPU without it). On
the hub, which batches, no gain was measured (docs/performance-rounds.md, tenth
round); it follows the same rule: no paho client is used from two threads.
Here the owner's one thread selects on the broker socket and a wake-up
socket, reads and writes with ``loop_read``/``loop_write``, keeps the
connection alive with ``loop_misc``, and reconnects with backoff as
``loop_forever`` would; paho's callbacks therefore run on that thread too.
Used by the kiosk's link (kiosk/core/link.py) and the hub's request worker
(hub/worker.py).
"""

from __future__ import annotations

import contextlib
import logging
import random
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable

import paho.mqtt.client as mqtt

from protocol.lean_paho import LeanClient
from protocol.mqtt import BrokerParams

log = logging.getLogger(__name__)

# Packets one turn reads at most when that many are waiting: a festival queue's
# requests, or a kiosk's replies, come in a few turns rather than one each.
READ_BURST = 500


class Connection:
    """Owned by one thread, except ``wake`` and ``call_soon``, which any thread may call."""

    def __init__(self, client: LeanClient, broker: BrokerParams, stop: threading.Event) -> None:
        self._client = client
        self._stop = stop
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        # As protocol.mqtt.make_client does for paho's loop: a random first
        # delay per kiosk spreads a hundred kiosks reconnecting at once.
        self._first_delay = broker.reconnect_min_s * random.uniform(1.0, 2.0)  # noqa: S311
        self._max_delay = max(self._first_delay, broker.reconnect_max_s)
        self._delay = self._first_delay
        self._next_attempt = 0.0  # monotonic; the first attempt is immediate
        self._turns_that_read = 0
        # Work other threads hand to the owner (deque: thread-safe at its ends).
        self._calls: deque[Callable[[], object]] = deque()

    def wake(self) -> None:
        """Make the current or next ``turn`` return at once (thread-safe)."""
        # A full socket means many wake-ups are pending already: one is enough.
        with contextlib.suppress(BlockingIOError):
            self._wake_w.send(b"\0")

    def call_soon(self, call: Callable[[], object]) -> None:
        """Run ``call`` on the owning thread at the end of its next turn (thread-safe).

        The client belongs to that thread: another thread that must publish or
        subscribe hands the work over this way.
        """
        self._calls.append(call)
        self.wake()

    def established(self) -> None:
        """The broker accepted the connection: the next loss starts the backoff afresh."""
        self._delay = self._first_delay

    def turn(self, timeout: float) -> None:
        """Wait up to ``timeout`` s for traffic or a wake-up and handle it.

        paho's callbacks run inside this call, then the calls other threads
        handed over (``call_soon``). When there is no connection, try to make
        one once the backoff allows, else just wait.
        """
        self._turn(timeout)
        while self._calls:
            self._calls.popleft()()

    def _turn(self, timeout: float) -> None:
        sock = self._client.socket()
        if sock is None:
            self._reconnect_or_wait(timeout)
            return
        # TLS: decrypted bytes may be waiting already, where select cannot see them.
        pending = getattr(sock, "pending", lambda: 0)() > 0
        writing = [sock] if self._client.want_write() else []
        readable, writable, _ = select.select(
            [sock, self._wake_r], writing, [], 0.0 if pending else timeout
        )
        if self._wake_r in readable:
            self._drain_wake()
        with self.holding_writes():  # the PUBACKs for a burst of replies leave together
            if sock in readable or pending:
                self._turns_that_read += 1
                self._client.loop_read(READ_BURST)
            if self._client.socket() is not None and (writable or self._client.want_write()):
                self._client.loop_write()
        if self._client.socket() is not None:
            self._client.loop_misc()  # keepalive pings, and noticing a silent broker
        if self._client.socket() is None:
            self._next_attempt = time.monotonic() + self._delay

    def holding_writes(self) -> contextlib.AbstractContextManager[None]:
        """Queue packets until the block ends, then send them together (protocol.lean_paho)."""
        return self._client.holding_writes()

    def turn_while_busy(self, more: Callable[[], bool]) -> None:
        """Take what has arrived already, without waiting, while ``more()`` says so.

        One ``turn`` reads what is waiting at that moment (up to ``READ_BURST``
        packets); more may come while a batch forms. This keeps turning while
        a turn finds something to read and ``more()`` (say, "the batch has
        room") holds.
        """
        while more():
            before = self._turns_that_read
            self.turn(0.0)
            if self._turns_that_read == before:
                return

    def leave(self, status: tuple[str, bytes] | None, timeout_s: float = 2.0) -> None:
        """Say goodbye once the owning thread has stopped, from whichever thread stops it.

        ``status`` (topic, payload) is published retained at QoS 1 first and
        waited for (at most ``timeout_s``), so the broker's copy says the
        client left rather than its will saying it died; then DISCONNECT.
        """
        if status is not None:
            topic, payload = status
            info = self._client.publish(topic, payload, qos=1, retain=True)
            deadline = time.monotonic() + timeout_s
            queued = info.rc == mqtt.MQTT_ERR_SUCCESS  # else paho says why on is_published
            while queued and not info.is_published() and time.monotonic() < deadline:
                self._client.loop(0.1)
        self._client.disconnect()
        self.close()

    def close(self) -> None:
        self._wake_r.close()
        self._wake_w.close()

    def _reconnect_or_wait(self, timeout: float) -> None:
        now = time.monotonic()
        if now < self._next_attempt:
            wait = min(timeout, self._next_attempt - now)
            readable, _, _ = select.select([self._wake_r], [], [], wait)
            if readable:
                self._drain_wake()
            return
        if self._stop.is_set():
            return
        try:
            self._client.reconnect()
        except OSError as exc:
            log.debug("broker not reachable: %s", exc, extra={"event": "connect_retry"})
            self._next_attempt = time.monotonic() + self._delay
            self._delay = min(self._delay * 2, self._max_delay)

    def _drain_wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while self._wake_r.recv(4096):
                pass
