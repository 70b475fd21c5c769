"""The hub's MQTT side: take requests, run them through the inbox, reply.

Threading: paho's network thread calls ``_on_message``; each message is
handled to completion there (decode, one database transaction, reply,
ack). With ``manual_ack`` the broker's PUBACK for a request is sent only
after the commit, so a hub killed mid-transaction gets the message again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt

from config.crash_points import crash_point
from config.settings import HubSettings
from hub.inbox import Inbox
from hub.kiosk_health import KioskHealthBoard
from hub.metrics import Metrics
from hub.rate_limit import KioskRateLimiter
from hub.wording import message_for
from protocol.codec import decode_kiosk_status, decode_request, encode
from protocol.errors import ProtocolError
from protocol.mqtt import QOS, connect_async, correlation_properties, make_client
from protocol.replies import HubStatus, Reply, ReplyStatus
from protocol.topics import (
    HUB_STATUS_TOPIC,
    REQUEST_FILTER,
    SHARED_REQUEST_FILTER,
    STATUS_FILTER,
    kiosk_status_topic,
    parse_request_topic,
    reply_topic,
)

log = logging.getLogger(__name__)

REQUESTS = "lianxin_hub_requests_total"
REFUSED = "lianxin_hub_refused_messages_total"
FAILURES = "lianxin_hub_handler_failures_total"
CONNECTED = "lianxin_hub_broker_connected"
RATE_LIMITED = "lianxin_hub_rate_limited_total"


class HubWorker:
    def __init__(
        self,
        settings: HubSettings,
        inbox: Inbox,
        metrics: Metrics,
        on_connected: Callable[[], None] | None = None,
    ) -> None:
        self._settings = settings
        self._on_connected = on_connected
        self.health = KioskHealthBoard(metrics)
        self._limiter = KioskRateLimiter(settings.kiosk_rate_per_s, settings.kiosk_burst)
        self._last_rate_log: dict[tuple[str, str], float] = {}
        metrics.describe(RATE_LIMITED, "Requests dropped because their kiosk was over its limit")
        self._inbox = inbox
        self._metrics = metrics
        self.connected = False
        metrics.describe(REQUESTS, "Requests handled, by outcome (stored, duplicate, rejected)")
        metrics.describe(REFUSED, "Messages refused before storage, by protocol error code")
        metrics.describe(FAILURES, "Requests whose handling raised; the kiosk will resend")
        metrics.describe(CONNECTED, "1 while connected to the broker")
        metrics.set(CONNECTED, 0)
        self._client = make_client(
            f"lianxin-hub-{settings.hub_id}",
            settings.broker,
            will=(HUB_STATUS_TOPIC, self._status_payload("offline")),
            manual_ack=True,
        )
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._request_subscription: int | None = None
        self._client.on_message = self._on_message

    def start(self) -> None:
        connect_async(self._client, self._settings.broker)
        self._client.loop_start()

    def stop(self) -> None:
        if self.connected:
            info = self._client.publish(
                HUB_STATUS_TOPIC, self._status_payload("offline"), qos=QOS, retain=True
            )
            info.wait_for_publish(timeout=2)
        self._client.disconnect()
        self._client.loop_stop()

    def publish_retained(self, topic: str, payload: bytes) -> None:
        """Publish retained at QoS 1 (queued by paho if the broker is away)."""
        self._client.publish(topic, payload, qos=QOS, retain=True)

    def _status_payload(self, state: str) -> bytes:
        status = HubStatus(
            v=1,
            type="hub_status",
            hub=self._settings.hub_id,
            state="online" if state == "online" else "offline",
            at=datetime.now(UTC),
        )
        return encode(status)

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.warning("broker refused connection: %s", reason, extra={"event": "connect_failed"})
            return
        use_shared = self._settings.shared_subscription
        topic_filter = SHARED_REQUEST_FILTER if use_shared else REQUEST_FILTER
        # Ready (and healthy) only once the broker confirms the subscription:
        # a hub that dies before that leaves a session nothing is queued for.
        _, self._request_subscription = client.subscribe(
            [(topic_filter, QOS), (STATUS_FILTER, QOS)]
        )
        client.publish(HUB_STATUS_TOPIC, self._status_payload("online"), qos=QOS, retain=True)
        if self._on_connected is not None:
            self._on_connected()
        log.info(
            "connected to broker, session_present=%s, subscribed %s",
            flags.session_present,
            topic_filter,
            extra={"event": "connected"},
        )

    def _on_subscribe(
        self, _client: mqtt.Client, _userdata: Any, mid: int, reasons: Any, _props: Any
    ) -> None:
        if mid != self._request_subscription:
            return
        failed = [reason for reason in reasons if reason.is_failure]
        if failed:
            log.error(
                "broker refused the hub's subscriptions: %s",
                failed,
                extra={"event": "subscribe_failed"},
            )
            return
        self.connected = True
        self._metrics.set(CONNECTED, 1)
        log.info("subscriptions confirmed", extra={"event": "ready"})

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self.connected = False
        self._metrics.set(CONNECTED, 0)
        log.warning("disconnected from broker: %s", reason, extra={"event": "disconnected"})

    def _on_message(self, client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        if msg.topic.endswith("/status"):
            self._take_status(msg)
            client.ack(msg.mid, msg.qos)
            return
        try:
            self._handle(client, msg)
        except Exception:
            # The kiosk keeps the request until it gets a reply, and resends it.
            self._metrics.inc(FAILURES)
            log.exception("handling a request failed", extra={"event": "handler_failed"})
        finally:
            client.ack(msg.mid, msg.qos)

    def _take_status(self, msg: mqtt.MQTTMessage) -> None:
        status = decode_kiosk_status(bytes(msg.payload))
        if isinstance(status, ProtocolError):
            self._metrics.inc(REFUSED, code=status.code.value)
            log.warning(
                "refused kiosk status on %s: %s",
                msg.topic,
                status.message,
                extra={"event": "refused_status", "code": status.code.value},
            )
            return
        if msg.topic != kiosk_status_topic(status.station, status.kiosk):
            self._metrics.inc(REFUSED, code="topic_mismatch")
            log.warning(
                "kiosk status on %s names %s/%s",
                msg.topic,
                status.station,
                status.kiosk,
                extra={"event": "refused_status", "code": "topic_mismatch"},
            )
            return
        self.health.update(status, datetime.now(UTC), live=not msg.retain)

    def _handle(self, client: mqtt.Client, msg: mqtt.MQTTMessage) -> None:
        correlation = getattr(msg.properties, "CorrelationData", None) if msg.properties else None
        decoded = decode_request(msg.topic, bytes(msg.payload))
        if isinstance(decoded, ProtocolError):
            self._refuse(client, msg.topic, decoded, correlation)
            return
        if not self._limiter.allow(decoded.station, decoded.kiosk):
            self._rate_limited(decoded.station, decoded.kiosk)
            return
        accepted = self._inbox.accept(decoded)
        crash_point("hub_after_commit")
        outcome = (
            "duplicate"
            if accepted.duplicate
            else (
                "stored" if accepted.reply.status == ReplyStatus.OK else accepted.reply.status.value
            )
        )
        client.publish(
            reply_topic(decoded.station, decoded.kiosk),
            encode(accepted.reply),
            qos=QOS,
            properties=correlation_properties(correlation),
        )
        self._metrics.inc(REQUESTS, outcome=outcome)
        log.info(
            "request %s: %s",
            decoded.type.value,
            outcome,
            extra={
                "event": f"request_{outcome}",
                "station": decoded.station,
                "kiosk": decoded.kiosk,
                "request_id": decoded.id,
                "seq": decoded.seq,
                "code": accepted.reply.code,
            },
        )

    def _rate_limited(self, station: str, kiosk: str) -> None:
        self._metrics.inc(RATE_LIMITED, station=station, kiosk=kiosk)
        now = time.monotonic()
        if now - self._last_rate_log.get((station, kiosk), 0.0) >= 1.0:
            self._last_rate_log[(station, kiosk)] = now
            log.warning(
                "kiosk over its rate limit: requests dropped, it will resend",
                extra={"event": "rate_limited", "station": station, "kiosk": kiosk},
            )

    def _refuse(
        self, client: mqtt.Client, topic: str, error: ProtocolError, correlation: bytes | None
    ) -> None:
        self._metrics.inc(REFUSED, code=error.code.value)
        where = parse_request_topic(topic)
        station = kiosk = None
        if not isinstance(where, ProtocolError):
            station, kiosk = where.station, where.kiosk
        log.warning(
            "refused message on %s: %s",
            topic,
            error.message,
            extra={
                "event": "refused",
                "code": error.code.value,
                "station": station,
                "kiosk": kiosk,
                "request_id": error.request_id,
            },
        )
        if station is None or kiosk is None:
            return  # no kiosk to answer: the topic itself was not ours
        reply = Reply(
            v=1,
            type="reply",
            request_id=error.request_id,
            station=station,
            kiosk=kiosk,
            status=ReplyStatus.ERROR,
            code=error.code.value,
            message=message_for(error.code.value, "zh_CN", error.message),
            hub_time=datetime.now(UTC),
        )
        client.publish(
            reply_topic(station, kiosk),
            encode(reply),
            qos=QOS,
            properties=correlation_properties(correlation),
        )
