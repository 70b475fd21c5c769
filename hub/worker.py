"""The hub's MQTT side: take requests, run them through the inbox, reply.

Threading: one thread (``hub-requests``) owns the MQTT connection
(protocol/connection.py) and does everything with it, as the kiosk's link
does: no packet is handed between threads. It turns the connection (paho's
callbacks run inside; kiosk status messages, which touch no database, are
handled there, requests are put aside), keeps turning while more has
arrived, up to ``batch_max``, and runs what it took as one batch: decode,
rate-limit, ONE database transaction for all of it (group commit: one
fsync instead of one per request), then the replies, then the acks. With
``manual_ack`` the broker's PUBACK for a request is sent only after that
commit, so a hub killed mid-batch gets every message of the batch again
(and answers those already stored as duplicates). Other threads publish
(reference snapshots) through ``publish_retained``, which hands the
publish to that thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import paho.mqtt.client as mqtt

from config.crash_points import crash_point
from config.metrics import Metrics
from config.settings import HubSettings
from hub.inbox import Accepted, Failed, Inbox
from hub.kiosk_health import KioskHealthBoard
from hub.rate_limit import KioskRateLimiter
from hub.reply_window import ReplyWindow
from hub.wording import message_for
from protocol.codec import decode_kiosk_status, decode_request, encode
from protocol.connection import Connection
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import Lang, Request
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
BATCHES = "lianxin_hub_batches_total"
REPLIES_WAITED = "lianxin_hub_replies_unacknowledged_total"
REPLIES_REFUSED = "lianxin_hub_replies_refused_total"
# Requests per transaction at most: bounds a batch's latency and its memory.
BATCH_MAX = 500
# Replies queued in paho and not yet acknowledged by the broker, at most
# (a few batches; paho's own bound, protocol.mqtt, is well above it). A
# batch's replies leave only when the batch is done, so waiting for room can
# only wait for an earlier batch's reply while a batch is smaller than this.
REPLY_WINDOW = 2_000
# Batches up to this size log each stored request at INFO (AnsweredLog).
LOG_EACH_UP_TO = 10
# The longest the worker waits for traffic before it looks at its other work.
IDLE_WAIT_S = 0.5


class AnsweredLog:
    """A batch's log lines for the requests it answered, written once its replies have left.

    A batch of a few (people swiping) logs one INFO line per request. A big
    one (a festival queue, a kiosk's backlog) logs its stored requests at
    DEBUG and names them all in one INFO line, grouped by kiosk with their
    sequence numbers: one line per request was 6 % of the hub's time at
    thousands a second. Any other outcome (a duplicate, a refusal) keeps a
    line of its own. Either way ``grep <request id>`` finds the request.
    The lines wait for ``log``, after the batch's replies are written: a
    line took ~0.18 ms between swipes (docs/performance-rounds.md, eleventh
    round), which a lone swipe's reply used to wait for.
    """

    def __init__(self, *, each: bool) -> None:
        self._each = each
        self._lines: list[tuple[int, Request, str, str]] = []
        self._by_kiosk: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def note(self, request: Request, outcome: str, code: str) -> None:
        """``request`` was answered with ``outcome``: keep its line, or its place in the summary."""
        if self._each or outcome != "stored":
            self._lines.append((logging.INFO, request, outcome, code))
            return
        self._by_kiosk.setdefault((request.station, request.kiosk), []).append(
            (request.seq, request.id)
        )
        if log.isEnabledFor(logging.DEBUG):
            self._lines.append((logging.DEBUG, request, outcome, code))

    def log(self) -> None:
        for level, request, outcome, code in self._lines:
            log.log(
                level,
                "request %s: %s",
                request.type.value,
                outcome,
                extra={
                    "event": f"request_{outcome}",
                    "station": request.station,
                    "kiosk": request.kiosk,
                    "request_id": request.id,
                    "seq": request.seq,
                    "code": code,
                },
            )
        if not self._by_kiosk:
            return
        kiosks = []
        for (station, kiosk), requests in sorted(self._by_kiosk.items()):
            seqs = [seq for seq, _ in requests]
            ids = ",".join(request_id for _, request_id in requests)
            kiosks.append(f"{station}/{kiosk} seq {min(seqs)}-{max(seqs)}: {ids}")
        log.info(
            "stored %d requests from %d kiosks: %s",
            sum(len(requests) for requests in self._by_kiosk.values()),
            len(self._by_kiosk),
            "; ".join(kiosks),
            extra={"event": "requests_stored"},
        )


class _Received:
    """A request message as taken off the wire, and the connection it came on."""

    __slots__ = ("connection", "correlation", "mid", "payload", "qos", "topic")

    def __init__(self, msg: mqtt.MQTTMessage, connection: int) -> None:
        self.topic = msg.topic
        self.payload = bytes(msg.payload)
        self.mid = msg.mid
        self.qos = msg.qos
        self.correlation: bytes | None = (
            getattr(msg.properties, "CorrelationData", None) if msg.properties else None
        )
        self.connection = connection


class HubWorker:
    def __init__(
        self,
        settings: HubSettings,
        inbox: Inbox,
        metrics: Metrics,
        on_connected: Callable[[], None] | None = None,
        batch_max: int = BATCH_MAX,
    ) -> None:
        if batch_max >= REPLY_WINDOW:
            raise ValueError(f"batch_max {batch_max} must be below the reply window {REPLY_WINDOW}")
        self._settings = settings
        self._batch_max = batch_max
        # Requests read by the last turns of the connection, not yet handled.
        self._received: list[_Received] = []
        self._stop = threading.Event()
        # Bumped on every (re)connect: a message id is only meaningful on the
        # connection it came on, so a batch from an older one is not acked.
        self._connection_count = 0
        self._thread = threading.Thread(target=self._serve, name="hub-requests", daemon=True)
        self._on_connected = on_connected
        self.health = KioskHealthBoard(metrics)
        self._limiter = KioskRateLimiter(settings.kiosk_rate_per_s, settings.kiosk_burst)
        self._last_rate_log: dict[tuple[str, str], float] = {}
        metrics.describe(RATE_LIMITED, "Requests dropped because their kiosk was over its limit")
        self._inbox = inbox
        self._metrics = metrics
        metrics.describe(
            REPLIES_WAITED, "Replies the broker had not acknowledged after 5 s (kept queued)"
        )
        metrics.describe(REPLIES_REFUSED, "Replies paho refused to queue (the kiosk resends)")
        self.connected = False
        metrics.describe(REQUESTS, "Requests handled, by outcome (stored, duplicate, rejected)")
        metrics.describe(REFUSED, "Messages refused before storage, by protocol error code")
        metrics.describe(FAILURES, "Requests whose handling raised; the kiosk will resend")
        metrics.describe(CONNECTED, "1 while connected to the broker")
        metrics.describe(BATCHES, "Transactions the request handler committed (group commits)")
        metrics.set(CONNECTED, 0)
        self._client = make_client(
            f"lianxin-hub-{settings.hub_id}",
            settings.broker,
            will=(HUB_STATUS_TOPIC, self._status_payload("offline")),
            manual_ack=True,
        )
        # The reply window bounds what is unacknowledged (REPLY_WINDOW). paho's
        # own cap would hold most of a batch's replies in its queue and walk
        # the messages in flight on every PUBACK to find the next one.
        self._client.max_inflight_messages_set(0)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._request_subscription: int | None = None
        self._client.on_message = self._on_message
        self._connection = Connection(self._client, settings.broker, self._stop)
        self._replies = ReplyWindow(REPLY_WINDOW, self._connection.turn, self._client.is_connected)

    def start(self) -> None:
        connect_async(self._client, self._settings.broker)
        self._thread.start()

    def stop(self) -> None:
        """Finish the batch in hand, then say goodbye to the broker from this thread.

        Requests read but not yet handled are not acked: the broker sends them again.
        """
        self._stop.set()
        self._connection.wake()
        self._thread.join(timeout=10)
        if not self._thread.is_alive():  # else a batch still runs on the inbox's connection
            self._inbox.close()
        offline = (HUB_STATUS_TOPIC, self._status_payload("offline"))
        self._connection.leave(offline if self.connected else None)

    def publish_retained(self, topic: str, payload: bytes) -> None:
        """Publish retained at QoS 1 (queued by paho if the broker is away); any thread.

        Only the worker's thread uses the client: from another, the publish
        is handed over and the thread woken.
        """
        publish = partial(self._client.publish, topic, payload, qos=QOS, retain=True)
        if threading.current_thread() is self._thread:
            publish()
            return
        self._connection.call_soon(publish)

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
        self._connection_count += 1
        self._connection.established()
        use_shared = self._settings.shared_subscription
        topic_filter = SHARED_REQUEST_FILTER if use_shared else REQUEST_FILTER
        # Ready (and healthy) only once the broker confirms the subscription:
        # a hub that dies before that leaves a session nothing is queued for.
        _, self._request_subscription = client.subscribe(
            [(topic_filter, QOS), (STATUS_FILTER, QOS)]
        )
        client.publish(HUB_STATUS_TOPIC, self._status_payload("online"), qos=QOS, retain=True)
        if self._on_connected is not None:
            try:
                self._on_connected()
            except Exception:
                # The reference snapshots go out again with the next change or republish.
                log.exception("on-connect work failed", extra={"event": "on_connected_failed"})
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
        self._received.append(_Received(msg, self._connection_count))

    # -- the worker's thread -----------------------------------------------------

    def _serve(self) -> None:
        """Turn the connection and handle batches until told to stop; never dies of a bad batch."""
        while not self._stop.is_set():
            try:
                self._serve_a_turn()
            except Exception:
                # Not a batch's failure (_handle catches those) but the loop's own, say
                # a callback that raised. Without this thread the hub answers no one:
                # log it, and go on after a pause rather than spin on the same error.
                log.exception("the hub's request loop failed", extra={"event": "worker_failed"})
                self._stop.wait(1.0)

    def _serve_a_turn(self) -> None:
        self._connection.turn(IDLE_WAIT_S)
        while self._received and not self._stop.is_set():
            self._connection.turn_while_busy(self._batch_has_room)
            batch = self._received[: self._batch_max]
            del self._received[: self._batch_max]
            self._handle(batch)

    def _batch_has_room(self) -> bool:
        return len(self._received) < self._batch_max

    def _handle(self, batch: list[_Received]) -> None:
        answered = AnsweredLog(each=len(batch) <= LOG_EACH_UP_TO)
        # The batch's replies and acks leave together, after it (protocol/lean_paho.py).
        with self._client.holding_writes():
            try:
                self._handle_batch(batch, answered)
            except Exception:
                # The kiosks keep their requests until they get a reply, and resend them.
                self._metrics.inc(FAILURES, len(batch))
                log.exception("handling a batch failed", extra={"event": "handler_failed"})
            finally:
                self._ack(batch)
        answered.log()  # once the replies are written

    def _ack(self, batch: list[_Received]) -> None:
        for item in batch:
            if item.connection == self._connection_count:
                self._client.ack(item.mid, item.qos)

    def _handle_batch(self, batch: list[_Received], answered: AnsweredLog) -> None:
        """Decode, store the lot in one transaction, then reply to each (in order)."""
        client = self._client
        taken: list[tuple[_Received, Request]] = []
        for item in batch:
            decoded = decode_request(item.topic, item.payload)
            if isinstance(decoded, ProtocolError):
                self._refuse(client, item.topic, decoded, item.correlation)
            elif not self._limiter.allow(decoded.station, decoded.kiosk):
                self._rate_limited(decoded.station, decoded.kiosk)
            else:
                taken.append((item, decoded))
        if not taken:
            return
        answers = self._inbox.accept_batch([request for _, request in taken])
        self._metrics.inc(BATCHES)
        crash_point("hub_after_commit")
        for (item, request), answer in zip(taken, answers, strict=True):
            unstorable = answer.unstorable if isinstance(answer, Failed) else None
            if unstorable is not None:
                refusal = ProtocolError(
                    ErrorCode.BAD_SCHEMA, f"a value cannot be stored: {unstorable}", request.id
                )
                self._refuse(client, item.topic, refusal, item.correlation, request.lang)
            elif isinstance(answer, Failed):
                self._failed(request, answer)
            else:
                self._reply(client, item, request, answer, answered)

    def _reply(
        self,
        client: mqtt.Client,
        item: _Received,
        request: Request,
        accepted: Accepted,
        answered: AnsweredLog,
    ) -> None:
        outcome = (
            "duplicate"
            if accepted.duplicate
            else ("stored" if accepted.status == ReplyStatus.OK else accepted.status.value)
        )
        self._publish_reply(
            client,
            reply_topic(request.station, request.kiosk),
            accepted.payload,
            item.correlation,
            request.id,
        )
        self._metrics.inc(REQUESTS, outcome=outcome)
        answered.note(request, outcome, accepted.code)

    def _failed(self, request: Request, failed: Failed) -> None:
        # No reply: the kiosk keeps the request and resends it.
        self._metrics.inc(FAILURES)
        log.error(
            "handling a request failed",
            exc_info=failed.error,
            extra={
                "event": "handler_failed",
                "station": request.station,
                "kiosk": request.kiosk,
                "request_id": request.id,
            },
        )

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
        self,
        client: mqtt.Client,
        topic: str,
        error: ProtocolError,
        correlation: bytes | None,
        lang: Lang = "zh_CN",
    ) -> None:
        """Count, log and answer a request that will never be accepted as it is.

        ``lang``: the request's language when it could be read, else Chinese.
        """
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
            message=message_for(error.code.value, lang, error.message),
            hub_time=datetime.now(UTC),
        )
        self._publish_reply(
            client, reply_topic(station, kiosk), encode(reply), correlation, error.request_id
        )

    def _publish_reply(
        self,
        client: mqtt.Client,
        topic: str,
        payload: bytes,
        correlation: bytes | None,
        request_id: str | None,
    ) -> None:
        """Queue a reply in paho, within the reply window; never drop one silently."""
        given_up = self._replies.admit()
        if given_up:
            self._metrics.inc(REPLIES_WAITED, given_up)
        info = client.publish(
            topic, payload, qos=QOS, properties=correlation_properties(correlation)
        )
        if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
            self._metrics.inc(REPLIES_REFUSED)
            log.warning(
                "reply not queued: paho's queue is full; the kiosk will resend",
                extra={"event": "reply_refused", "request_id": request_id},
            )
            return
        self._replies.sent(info)
