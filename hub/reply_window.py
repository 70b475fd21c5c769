"""Back-pressure between the hub's commits and its replies reaching the broker.

The hub takes a batch, commits it and queues its replies in paho. If the
broker acknowledges replies slower than the hub commits (a flood, a slow
broker), paho's queue fills, and paho refuses a publish past its bound:
the reply would be lost (the kiosk resends after a while and gets it as a
duplicate, but the person waits). So the worker admits a reply only while
fewer than ``limit`` are unacknowledged, waiting for the oldest first;
that also holds back the next batch, so the broker keeps the requests
rather than the hub's memory. A reply still waiting after ``patience_s``,
or when the connection is gone, stops being waited for; paho keeps it
queued and sends it on reconnect.

The worker's one thread both queues replies and reads the broker's
acknowledgements (protocol/connection.py), so waiting means turning the
connection: ``turn(timeout)`` reads and writes for up to ``timeout`` s.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import paho.mqtt.client as mqtt

# The longest one turn may wait while a reply is outstanding.
_TURN_S = 0.1


class ReplyWindow:
    def __init__(
        self,
        limit: int,
        turn: Callable[[float], None],
        connected: Callable[[], bool],
        patience_s: float = 5.0,
    ) -> None:
        self._limit = limit
        self._turn = turn
        self._connected = connected
        self._patience_s = patience_s
        self._open: deque[mqtt.MQTTMessageInfo] = deque()

    def admit(self) -> int:
        """Wait (bounded) until one more reply may be queued; how many were given up on."""
        given_up = 0
        while len(self._open) >= self._limit:
            oldest = self._open.popleft()
            if oldest.rc != mqtt.MQTT_ERR_SUCCESS:
                given_up += 1  # queued while disconnected: the reconnect sends it
            elif not self._wait(oldest):
                given_up += 1
        return given_up

    def _wait(self, reply: mqtt.MQTTMessageInfo) -> bool:
        """Whether ``reply`` was acknowledged within the patience."""
        deadline = time.monotonic() + self._patience_s
        while not reply.is_published():
            left = deadline - time.monotonic()
            if left <= 0 or not self._connected():
                return False
            self._turn(min(left, _TURN_S))
        return True

    def sent(self, info: mqtt.MQTTMessageInfo) -> None:
        """Track a reply paho accepted."""
        self._open.append(info)

    def __len__(self) -> int:
        return len(self._open)
