"""At-least-once transport, exactly-once effect: duplicates change nothing."""

from __future__ import annotations

from protocol.topics import reply_topic
from tests.system import envelopes
from tests.system.stack import Stack
from tests.waiting import wait_until


def test_duplicate_request_returns_original_reply(stack: Stack) -> None:
    hub = stack.hub().start()
    probe = stack.probe()
    topic, payload, request_id = envelopes.check_in()

    probe.publish(topic, payload)
    probe.publish(topic, payload)

    replies = wait_until(
        lambda: (
            len(probe.on(reply_topic("st01", "k1"))) == 2 and probe.on(reply_topic("st01", "k1"))
        ),
        30,
        "two replies",
    )
    first, second = sorted(replies, key=lambda reply: bool(reply["duplicate"]))
    assert first["duplicate"] is False and second["duplicate"] is True
    assert {**second, "duplicate": False} == first  # the original answer, unchanged
    assert first["request_id"] == request_id and first["status"] == "ok"
    assert hub.count("check_ins") == 1
    metrics = hub.metrics()
    assert 'lianxin_hub_requests_total{outcome="duplicate"} 1' in metrics
    assert 'lianxin_hub_requests_total{outcome="stored"} 1' in metrics


def test_duplicate_survives_hub_restart(stack: Stack) -> None:
    hub = stack.hub().start()
    probe = stack.probe()
    topic, payload, _ = envelopes.check_in()
    probe.publish(topic, payload)
    wait_until(lambda: hub.count("check_ins") == 1, 30, "stored")

    assert hub.process is not None
    hub.process.kill()
    hub.start()
    probe.publish(topic, payload)

    wait_until(lambda: len(probe.on(reply_topic("st01", "k1"))) == 2, 30, "second reply")
    assert probe.on(reply_topic("st01", "k1"))[1]["duplicate"] is True
    assert hub.count("check_ins") == 1


def test_kiosk_restarted_before_the_reply_sends_again_and_is_stored_once(stack: Stack) -> None:
    # The hub is down, so the kiosk's request cannot be answered; the kiosk
    # then dies (SIGKILL) holding it, and comes back after the hub does.
    hub = stack.hub().start()
    assert hub.process is not None
    hub.process.kill()
    kiosk = stack.kiosk(scans=3).start()
    wait_until(lambda: kiosk.outbox() == (3, 0), 30, "three scans written, none answered")
    assert kiosk.process is not None
    kiosk.process.kill()

    hub.start()
    kiosk.scans = 0  # the restarted kiosk reads no new cards: only its outbox remains
    kiosk.start()

    wait_until(lambda: kiosk.outbox() == (3, 3), 60, "all three answered after restart")
    assert hub.count("check_ins") == 3
    assert hub.count("inbox") == 3
