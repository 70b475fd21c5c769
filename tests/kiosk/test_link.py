"""The kiosk's link in-process, against a real broker and hub: drain, order, goodbye, pruning."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import BrokerSettings, KioskSettings, PacingSettings
from kiosk.core.link import HubLink
from kiosk.core.outbox import Outbox, ReplyRecord
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.requests import RequestWriter
from lianxin.broker import BrokerProcess
from protocol.codec import encode
from protocol.replies import Reply
from protocol.topics import kiosk_status_topic, reference_topic, reply_topic
from tests.kiosk.fixtures import reference_payloads, scan_of
from tests.system.stack import Stack
from tests.waiting import wait_until


def settings(broker: BrokerProcess, *, in_flight: int) -> KioskSettings:
    return KioskSettings(
        station="st01",
        kiosk="k1",
        broker=BrokerSettings(
            host=broker.info.host, port=broker.info.port, reconnect_min_s=0.2, reconnect_max_s=1
        ),
        pacing=PacingSettings(max_in_flight=in_flight, resend_after_s=30),
    )


def queued(path: Path, scans: int) -> Outbox:
    outbox = Outbox(path)
    writer = RequestWriter(outbox, "st01", "k1")
    for number in range(scans):
        writer.check_in(scan_of(f"{number:010X}"))
    return outbox


def test_queued_requests_drain_in_order_through_a_small_window_and_goodbye_is_retained(
    stack: Stack, broker: BrokerProcess, tmp_path: Path
) -> None:
    hub = stack.hub().start()
    outbox = queued(tmp_path / "outbox.db", 30)
    answered: list[Reply] = []
    link = HubLink(
        settings(broker, in_flight=4), outbox, on_reply=answered.append, reader_errors=lambda: 3
    )
    link.start()
    try:
        wait_until(lambda: outbox.counts().waiting == 0, 60, "all thirty answered")
    finally:
        link.stop()

    assert hub.count("check_ins") == 30
    # With four in flight and no resends, the hub saw them in the kiosk's order.
    assert [reply.request_id for reply in answered] == outbox.request_ids()
    probe = stack.probe()
    status_topic = kiosk_status_topic("st01", "k1")
    statuses = wait_until(lambda: probe.on(status_topic), 10, "the retained status")
    assert statuses[-1]["state"] == "offline" and statuses[-1]["outbox_waiting"] == 0
    assert statuses[-1]["reader_errors"] == 3  # the reader's misreads, for the dashboard


def _answered_days_ago(path: Path, request_id: str, days: int) -> None:
    """Back-date one reply, as if it had arrived ``days`` ago (a second connection)."""
    with sqlite3.connect(path) as db:
        when = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        db.execute("UPDATE outbox SET replied_at=? WHERE request_id=?", (when, request_id))


def test_the_running_link_prunes_answered_requests_past_retention_and_keeps_waiting_ones(
    broker: BrokerProcess, tmp_path: Path
) -> None:
    path = tmp_path / "outbox.db"
    outbox = queued(path, 4)
    first, second, recent, waiting = outbox.request_ids()
    for request_id in (first, second, recent):
        outbox.mark_replied(request_id, "ok", "checked_in", "{}")
    _answered_days_ago(path, first, 31)
    _answered_days_ago(path, recent, 29)
    kiosk = settings(broker, in_flight=4).model_copy(update={"outbox_retention_days": 30})
    link = HubLink(kiosk, outbox, prune_every_s=0.2)
    link.start()
    try:
        wait_until(lambda: outbox.counts().total == 3, 10, "the first pruned at start")
        _answered_days_ago(path, second, 40)  # crosses the line while the kiosk runs
        wait_until(lambda: outbox.counts().total == 2, 10, "the second pruned on a later round")
    finally:
        link.stop()

    assert outbox.request_ids() == [recent, waiting]
    assert [entry.request_id for entry in outbox.waiting(10)] == [waiting]


def test_a_message_the_kiosk_cannot_take_does_not_end_its_link(
    stack: Stack, broker: BrokerProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before, the exception ended the link thread: scans were recorded and never sent."""
    stack.hub().start()
    outbox = queued(tmp_path / "outbox.db", 1)
    reference = ReferenceCache(tmp_path / "reference.db", "st01")
    reference.close()  # every reference message now fails to be taken
    link = HubLink(settings(broker, in_flight=4), outbox, reference=reference)
    link.start()
    try:
        wait_until(lambda: outbox.counts().waiting == 0, 30, "the first request answered")
        stack.probe().publish(
            reference_topic("st01", "roster"), reference_payloads(datetime.now(UTC))[0]
        )
        wait_until(
            lambda: any(getattr(r, "event", "") == "message_failed" for r in caplog.records),
            10,
            "the failure logged",
        )
        RequestWriter(outbox, "st01", "k1").check_in(scan_of("0000000099"))
        link.wake()
        wait_until(lambda: outbox.counts().waiting == 0, 30, "a later request still sent")
    finally:
        link.stop()
    assert outbox.counts().total == 2


def test_a_swipe_is_shown_before_its_reply_is_recorded_and_shown_once(
    stack: Stack, broker: BrokerProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The person sees the hub's answer one outbox transaction sooner; a repeat shows nothing.

    ``on_reply`` runs on the link's thread: it reads the outbox as it was
    when the reply was handed over. The first call raises, which must not
    end the link: the reply is still recorded, and the next swipe still sent.
    """
    caplog.set_level(logging.INFO, logger="kiosk.core.link")
    stack.hub().start()
    outbox = Outbox(tmp_path / "outbox.db")
    writer = RequestWriter(outbox, "st01", "k1")
    shown: list[tuple[Reply, int]] = []

    def on_reply(reply: Reply) -> None:
        shown.append((reply, outbox.counts().waiting))
        if len(shown) == 1:
            raise RuntimeError("the screen failed to draw")

    link = HubLink(settings(broker, in_flight=4), outbox, on_reply=on_reply)
    link.start()
    try:
        wait_until(lambda: link.connected, 10, "the link connected")
        for number in (1, 2):
            entry = writer.check_in(scan_of(f"{number:010X}"))
            link.wake(entry)
            wait_until(lambda: outbox.counts().waiting == 0, 30, "the swipe recorded as answered")
        first = shown[0][0]
        # The same reply again, as after a resend: recorded already, so not shown.
        stack.probe().publish(reply_topic("st01", "k1"), encode(first))
        wait_until(
            lambda: any("already answered" in r.getMessage() for r in caplog.records),
            10,
            "the repeat taken",
        )
    finally:
        link.stop()

    assert [(reply.request_id, waiting) for reply, waiting in shown] == [
        (rid, 1) for rid in outbox.request_ids()
    ]  # each shown once, while its request still waited in the outbox
    assert any(getattr(r, "event", "") == "on_reply_failed" for r in caplog.records)


class FailingOnceOutbox(Outbox):
    """An outbox whose first record of replies fails, as on a full disk."""

    failures = 0

    def mark_replied_many(self, replies: Sequence[ReplyRecord]) -> set[str]:
        if self.failures == 0:
            self.failures += 1
            raise sqlite3.OperationalError("database or disk is full")
        return super().mark_replied_many(replies)


def test_an_outbox_failure_does_not_end_the_link_and_the_request_is_answered_later(
    stack: Stack, broker: BrokerProcess, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before, the exception ended the link's thread: the kiosk recorded scans and sent none."""
    hub = stack.hub().start()
    outbox = FailingOnceOutbox(tmp_path / "outbox.db")
    writer = RequestWriter(outbox, "st01", "k1")
    kiosk = settings(broker, in_flight=4)
    kiosk = kiosk.model_copy(update={"pacing": PacingSettings(max_in_flight=4, resend_after_s=1)})
    link = HubLink(kiosk, outbox)
    link.start()
    try:
        wait_until(lambda: link.connected, 10, "the link connected")
        entry = writer.check_in(scan_of("000000002A"))
        link.wake(entry)
        wait_until(lambda: outbox.counts().waiting == 0, 30, "answered after the failure")
    finally:
        link.stop()

    assert outbox.failures == 1
    assert any(getattr(r, "event", "") == "link_failed" for r in caplog.records)
    assert hub.count("check_ins") == 1  # sent again, stored once
