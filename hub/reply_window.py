"""Back-pressure between the hub's commits and its replies reaching the broker.

The hub takes a batch, commits it and queues its replies in paho. If the
broker acknowledges replies slower than the hub commits (a flood, a slow
broker), paho's queue fills, and paho refuses a publish past its bound:
the reply would be lost (the kiosk resends after a while and gets it as a
duplicate, but the person waits). So the worker admits a reply only while
fewer than ``limit`` are unacknowledged, waiting for the oldest first;
that also holds back the next batch, so the broker keeps the requests
rather than the hub's memory. A reply still waiting after ``patience_s``
(the broker is away) stops being waited for; paho keeps it queued and
sends it on reconnect.
"""

from __future__ import annotations

from collections import deque

import paho.mqtt.client as mqtt


class ReplyWindow:
    def __init__(self, limit: int, patience_s: float = 5.0) -> None:
        self._limit = limit
        self._patience_s = patience_s
        self._open: deque[mqtt.MQTTMessageInfo] = deque()

    def admit(self) -> int:
        """Wait (bounded) until one more reply may be queued; how many were given up on."""
        given_up = 0
        while len(self._open) >= self._limit:
            oldest = self._open.popleft()
            if oldest.rc != mqtt.MQTT_ERR_SUCCESS:
                given_up += 1  # queued while disconnected: the reconnect sends it
            elif not oldest.is_published() and not self._wait(oldest):
                given_up += 1
        return given_up

    def _wait(self, reply: mqtt.MQTTMessageInfo) -> bool:
        """Whether ``reply`` was acknowledged within the patience."""
        try:
            reply.wait_for_publish(timeout=self._patience_s)
        except RuntimeError:
            return False  # the connection failed meanwhile; the caller counts it
        return reply.is_published()

    def sent(self, info: mqtt.MQTTMessageInfo) -> None:
        """Track a reply paho accepted."""
        self._open.append(info)

    def __len__(self) -> int:
        return len(self._open)
