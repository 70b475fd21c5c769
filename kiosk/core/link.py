"""The kiosk's link to the hub: replays the outbox over MQTT, takes replies.

One thread (``kiosk-link``) owns the connection (protocol/connection.py)
and the send window (kiosk/core/window.py). It walks the oldest unanswered
requests in sequence order and publishes them at QoS 1, at most
``max_in_flight`` unanswered at once and at most ``max_per_second``, so a
kiosk back from a long outage drains steadily instead of flooding the hub.
Replies that arrive together are retired in one outbox transaction. A
request unanswered for ``resend_after_s``, or still unanswered when the
connection comes back, is sent again: the hub dedupes by request id, so
resending is always safe. paho's own queue is only a cache; the outbox is
the truth. The same thread deletes answered requests past
``outbox_retention_days``, at start and then hourly: a kiosk runs for months
without a restart, and the outbox holds people's credentials.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import paho.mqtt.client as mqtt

from config.crash_points import crash_point
from config.settings import KioskSettings
from kiosk.core.outbox import Outbox, OutboxEntry, ReplyRecord
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.window import Pace, SendWindow
from protocol.codec import decode_reply, encode
from protocol.connection import Connection
from protocol.errors import ProtocolError
from protocol.mqtt import QOS, connect_async, make_client
from protocol.replies import KioskStatus, ReaderHealth, Reply, ReplyStatus
from protocol.topics import kiosk_status_topic, reference_filter, reply_topic

log = logging.getLogger(__name__)
STATUS_EVERY_S = 10.0
IDLE_WAIT_S = 0.5
# The pace allows bursts of this many seconds' worth of requests (50 ms).
BURST_S = 0.05
PRUNE_EVERY_S = 3600.0
# The outbox's WAL into its file (kiosk/core/outbox.py): looked at every second,
# done once this many commits (some 250 pages) have been made since the last.
CHECKPOINT_EVERY_S = 1.0
CHECKPOINT_AFTER_COMMITS = 100


class HubLink:
    def __init__(
        self,
        settings: KioskSettings,
        outbox: Outbox,
        *,
        reader_health: Callable[[], ReaderHealth] = lambda: "none",
        reader_errors: Callable[[], int] = lambda: 0,
        on_reply: Callable[[Reply], None] | None = None,
        reference: ReferenceCache | None = None,
        software: str = "",
        prune_every_s: float = PRUNE_EVERY_S,
    ) -> None:
        self._prune_every_s = prune_every_s
        self._reference = reference
        self._settings = settings
        self._outbox = outbox
        self._reader_health = reader_health
        self._reader_errors = reader_errors
        self._on_reply = on_reply
        self._software = software
        self._status_topic = kiosk_status_topic(settings.station, settings.kiosk)
        self._reply_topic = reply_topic(settings.station, settings.kiosk)
        self._stop = threading.Event()
        # Flags for the link thread, which owns the send window.
        self._reconnected = False  # resend everything unanswered
        self._added = False  # the outbox has a new request
        self._written: deque[OutboxEntry] = deque()  # new requests handed over by wake()
        # Replies taken from the network, not yet retired in the outbox.
        self._replies: deque[tuple[str, Reply, str]] = deque()
        # Work other threads hand to the link thread (paho is not thread-safe here).
        self.connected = False
        self._client = make_client(
            f"lianxin-kiosk-{settings.station}-{settings.kiosk}",
            settings.broker,
            will=(self._status_topic, self._status_payload("offline")),
        )
        # The send window (pacing.max_in_flight) bounds what is unacknowledged.
        # paho's own cap (100) would hold the rest of a 1000-request window in
        # its queue and rescan it on every PUBACK (7% of the kiosk's time in a
        # replay); 0 lifts that cap.
        self._client.max_inflight_messages_set(0)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._subscription: int | None = None
        self._client.on_message = self._on_message
        self._connection = Connection(self._client, settings.broker, self._stop)
        self._thread = threading.Thread(target=self._run, name="kiosk-link", daemon=True)

    def start(self) -> None:
        connect_async(self._client, self._settings.broker)
        self._thread.start()

    def stop(self) -> None:
        """Stop the link thread, then say goodbye to the broker from this thread."""
        self._stop.set()
        self._connection.wake()
        self._thread.join(timeout=5)
        offline = (self._status_topic, self._status_payload("offline"))
        self._connection.leave(offline if self.connected else None)

    def wake(self, entry: OutboxEntry | None = None) -> None:
        """A new request is in the outbox: send it now rather than at the next tick.

        ``entry``: that request as ``Outbox.add`` returned it, so the link
        thread can publish it without reading it back (``SendWindow.offer``).
        """
        if entry is None:
            self._added = True
        else:
            self._written.append(entry)
        self._connection.wake()

    def call_soon(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the link thread, the only one that may use the client."""
        self._connection.call_soon(call)

    # -- paho callbacks (link thread) -----------------------------------------

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.warning(
                "broker refused connection: %s",
                reason,
                extra={"event": "connect_failed", **self._context()},
            )
            return
        # Whatever was in flight may be lost with the old connection: resend it.
        self._reconnected = True
        topics = [(self._reply_topic, QOS)]
        if self._reference is not None:
            topics.append((reference_filter(self._settings.station), QOS))
        # Send nothing until the reply subscription is confirmed (_on_subscribe).
        _, self._subscription = client.subscribe(topics)
        client.publish(self._status_topic, self._status_payload("online"), qos=QOS, retain=True)
        log.info(
            "connected to broker, session_present=%s, subscribing",
            flags.session_present,
            extra={"event": "connected", **self._context()},
        )
        self._connection.established()

    def _on_subscribe(
        self, _client: mqtt.Client, _userdata: Any, mid: int, reasons: Any, _props: Any
    ) -> None:
        if mid != self._subscription:
            return
        if any(reason.is_failure for reason in reasons):
            log.error(
                "broker refused the kiosk's subscriptions: %s",
                reasons,
                extra={"event": "subscribe_failed", **self._context()},
            )
            return
        self.connected = True

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self.connected = False
        log.warning(
            "disconnected from broker: %s",
            reason,
            extra={"event": "disconnected", **self._context()},
        )

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        """Take one message; whatever it makes fail is logged, never the end of the link.

        This runs on the link thread, which also sends the outbox: if a
        message could end it, the kiosk would go on recording scans and
        never send them.
        """
        try:
            if msg.topic == self._reply_topic:
                self._take_reply(bytes(msg.payload))
            elif self._reference is not None:
                self._take_reference(msg.topic, bytes(msg.payload))
        except Exception:
            log.exception(
                "could not take a message on %s",
                msg.topic,
                extra={"event": "message_failed", **self._context()},
            )

    def _take_reference(self, topic: str, payload: bytes) -> None:
        assert self._reference is not None
        result = self._reference.offer(payload)
        if isinstance(result, ProtocolError):
            log.warning(
                "ignored reference data on %s: %s",
                topic,
                result,
                extra={"event": "bad_reference", **self._context()},
            )
        elif result is not None:
            log.info(
                "reference %s v%d cached",
                result.name,
                result.version,
                extra={"event": "reference_cached", **self._context()},
            )

    def _take_reply(self, payload: bytes) -> None:
        reply = decode_reply(payload)
        if isinstance(reply, ProtocolError):
            log.warning(
                "ignored a malformed reply: %s",
                reply,
                extra={"event": "bad_reply", **self._context()},
            )
            return
        if reply.request_id is None:
            log.error(
                "hub refused a message it could not identify: %s %s",
                reply.code,
                reply.message,
                extra={"event": "refused_unidentified", **self._context()},
            )
            return
        # Retired by the link thread after this read burst, with the others
        # that arrived meanwhile: one fsync per batch, not per reply.
        self._replies.append((reply.request_id, reply, payload.decode("utf-8")))

    # -- link thread -----------------------------------------------------------

    def _run(self) -> None:
        pacing = self._settings.pacing
        window = SendWindow(self._outbox, pacing.max_in_flight, pacing.resend_after_s)
        pace = Pace(pacing.max_per_second, pacing.max_per_second * BURST_S, time.monotonic())
        next_status = 0.0
        next_look = 0.0
        next_prune = 0.0
        next_checkpoint = 0.0
        timeout = IDLE_WAIT_S
        while not self._stop.is_set():
            try:
                # Replies are taken inside turn() and retired together after it.
                self._connection.turn(timeout)
                timeout = IDLE_WAIT_S
                self._retire_replies(window)
                while self._written:  # online or not: the window holds a page of them at most
                    window.offer(self._written.popleft())
                housekeeping_at = time.monotonic()
                if housekeeping_at >= next_prune:  # online or not
                    self._prune_answered()
                    next_prune = housekeeping_at + self._prune_every_s
                if housekeeping_at >= next_checkpoint:  # online or not
                    self._checkpoint_outbox()
                    next_checkpoint = housekeeping_at + CHECKPOINT_EVERY_S
                if not self.connected:
                    continue
                if self._reconnected:
                    self._reconnected = False
                    window.reset()
                if self._added:
                    self._added = False
                    window.more_on_disk()
                now = time.monotonic()
                if now >= next_look:  # a safety net for a request added without wake()
                    window.more_on_disk()
                    next_look = now + IDLE_WAIT_S
                if now >= next_status:
                    self._publish_status()
                    next_status = now + STATUS_EVERY_S
                window.requeue_overdue(now)
                with self._connection.holding_writes():
                    timeout = self._send_what_fits(window, pace)
            except Exception:
                # An outbox that failed a read or a write (a full disk, say): the
                # request stays unanswered on disk and is sent again; without this
                # thread the kiosk would record scans and never send them.
                log.exception(
                    "the link's loop failed",
                    extra={"event": "link_failed", **self._context()},
                )
                self._stop.wait(1.0)

    def _send_what_fits(self, window: SendWindow, pace: Pace) -> float:
        """Publish until the window is full, the pace says wait, or nothing is left.

        Returns how long the sender may sleep before it should look again.
        """
        while not self._stop.is_set() and self.connected:
            now = time.monotonic()
            delay = pace.due_in(now)
            if delay > 0:
                return delay
            entry = window.next_to_send()
            if entry is None:
                return IDLE_WAIT_S
            pace.take()
            self._client.publish(entry.topic, entry.payload, qos=QOS)
            window.sent(entry, now)
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "published",
                    extra={
                        "event": "published",
                        "seq": entry.seq,
                        "request_id": entry.request_id,
                        **self._context(),
                    },
                )
        return IDLE_WAIT_S

    def _retire_replies(self, window: SendWindow) -> None:
        """Show every reply taken so far, then mark them answered in one outbox transaction.

        A reply to a request the window awaits is handed to ``on_reply``
        before it is recorded: the person at the kiosk sees it one outbox
        transaction sooner, and the record is not durable on its own anyway
        (kiosk/core/outbox.py): after a crash in between, the request is
        sent again and the hub's duplicate reply is recorded then. Any other
        reply is handed over only if the outbox had it unanswered, so each
        request's reply is shown once.

        Logging: a lone reply (the usual case, one person at the kiosk) gets
        one INFO line with its request id, as does any reply that is not
        ``ok``. A batch of ok replies during a replay gets one INFO summary
        naming their request ids; its per-request lines are DEBUG, because
        one line per request cost an eighth of the kiosk's time at thousands
        of replies a second.
        """
        taken: list[tuple[str, Reply, str]] = []
        while self._replies:
            taken.append(self._replies.popleft())
        if not taken:
            return
        shown: set[str] = set()
        for rid, reply, _ in taken:
            if rid not in shown and window.awaits(rid):
                shown.add(rid)
                self._show(reply)
        crash_point("kiosk_before_retire")
        fresh = self._outbox.mark_replied_many(
            [ReplyRecord(rid, reply.status.value, reply.code, raw) for rid, reply, raw in taken]
        )
        window.answered(rid for rid, _, _ in taken)
        for rid, reply, _ in taken:
            alone_or_refused = len(taken) == 1 or reply.status != ReplyStatus.OK
            level = logging.INFO if alone_or_refused else logging.DEBUG
            if log.isEnabledFor(level):
                log.log(
                    level,
                    "reply %s %s%s",
                    reply.status.value,
                    reply.code,
                    "" if rid in fresh else " (already answered)",
                    extra={"event": "reply", "request_id": rid, **self._context()},
                )
            if rid in fresh and rid not in shown:
                shown.add(rid)
                self._show(reply)
        if len(taken) > 1:
            log.info(
                "retired %d replies: %d ok, %d already answered: %s",
                len(taken),
                sum(1 for _, reply, _ in taken if reply.status == ReplyStatus.OK),
                len(taken) - len(fresh),
                ",".join(rid for rid, _, _ in taken),  # each request findable by its id
                extra={"event": "replies_retired", **self._context()},
            )

    def _show(self, reply: Reply) -> None:
        """Hand ``reply`` to ``on_reply``; a failure there is logged, never the link's end."""
        if self._on_reply is None:
            return
        try:
            self._on_reply(reply)
        except Exception:
            log.exception(
                "showing a reply failed",
                extra={
                    "event": "on_reply_failed",
                    "request_id": reply.request_id,
                    **self._context(),
                },
            )

    def _checkpoint_outbox(self) -> None:
        """A failed checkpoint is logged; the next one, or a commit past the net, does it."""
        try:
            self._outbox.checkpoint(after_commits=CHECKPOINT_AFTER_COMMITS)
        except sqlite3.Error:
            log.exception(
                "outbox checkpoint failed",
                extra={"event": "outbox_checkpoint_failed", **self._context()},
            )

    def _prune_answered(self) -> None:
        """Delete answered requests older than the retention; never one still waiting."""
        days = self._settings.outbox_retention_days
        pruned = self._outbox.prune_answered(datetime.now(UTC) - timedelta(days=days))
        if pruned:
            log.info(
                "pruned %d answered requests older than %d days",
                pruned,
                days,
                extra={"event": "outbox_pruned", **self._context()},
            )

    def _publish_status(self) -> None:
        self._client.publish(
            self._status_topic, self._status_payload("online"), qos=QOS, retain=True
        )

    def _status_payload(self, state: str) -> bytes:
        counts = self._outbox.counts()
        now = datetime.now(UTC)
        oldest = (
            max(0.0, (now - counts.oldest_waiting_at).total_seconds())
            if counts.oldest_waiting_at
            else None
        )
        status = KioskStatus(
            v=1,
            type="kiosk_status",
            station=self._settings.station,
            kiosk=self._settings.kiosk,
            state="online" if state == "online" else "offline",
            at=now,
            outbox_waiting=counts.waiting,
            oldest_waiting_s=oldest,
            reader=self._reader_health(),
            reader_errors=self._reader_errors(),
            software=self._software,
        )
        return encode(status)

    def _context(self) -> dict[str, str]:
        return {"station": self._settings.station, "kiosk": self._settings.kiosk}
