"""Persistent sessions: a reply waits at the broker for a kiosk that is away."""

from __future__ import annotations

import json
import sqlite3

from protocol.topics import request_topic
from tests.system.stack import Stack
from tests.waiting import wait_until


def test_reply_waits_for_a_kiosk_that_is_away(stack: Stack) -> None:
    # No shared subscription: the broker queues requests for the hub's own session.
    hub = stack.hub(shared_subscription=False).start()
    assert hub.process is not None
    hub.process.kill()
    probe = stack.probe()
    kiosk = stack.kiosk(scans=3)
    kiosk.resend_after_s = 600.0  # it must not need to ask twice
    kiosk.start()
    sent = request_topic("st01", "k1", "check_in")
    wait_until(lambda: len(probe.on(sent)) >= 3, 30, "three requests through the broker")
    assert kiosk.process is not None
    kiosk.process.kill()  # the kiosk goes away before any answer

    hub.start()  # takes the queued requests and answers a kiosk that is not there
    wait_until(lambda: hub.count("check_ins") == 3, 30, "stored while the kiosk is away")
    kiosk.start()

    wait_until(lambda: kiosk.outbox() == (3, 3), 30, "answers delivered on return")
    with sqlite3.connect(kiosk.outbox_path) as db:
        replies = [json.loads(row[0]) for row in db.execute("SELECT reply_json FROM outbox")]
    # The queued original answers arrived, not answers to a resend.
    assert [reply["duplicate"] for reply in replies] == [False, False, False]
    assert hub.count("check_ins") == 3
