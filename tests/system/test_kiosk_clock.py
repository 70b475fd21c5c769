"""A kiosk clock hours off is logged and shown, and never used for rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from protocol.topics import kiosk_status_topic
from tests.system import envelopes
from tests.system.stack import Stack
from tests.waiting import wait_until

THREE_HOURS = timedelta(hours=3)


def test_skewed_kiosk_clock_is_shown_logged_and_not_trusted(stack: Stack) -> None:
    hub = stack.hub().start()
    probe = stack.probe()
    kiosk_clock = datetime.now(UTC) + THREE_HOURS
    status = {
        "v": 1,
        "type": "kiosk_status",
        "station": "st01",
        "kiosk": "k1",
        "state": "online",
        "at": kiosk_clock.isoformat(),
        "outbox_waiting": 4,
        "oldest_waiting_s": 12.5,
        "reader": "ok",
        "software": "test",
    }
    probe.publish(kiosk_status_topic("st01", "k1"), json.dumps(status).encode())
    topic, payload, request_id = envelopes.check_in()
    request = json.loads(payload)
    request["kiosk_time"] = kiosk_clock.isoformat()
    probe.publish(topic, json.dumps(request).encode())

    def skew_line() -> str | None:
        lines = [
            line
            for line in hub.metrics().splitlines()
            if line.startswith('lianxin_hub_kiosk_clock_skew_seconds{kiosk="k1"')
        ]
        return lines[0] if lines else None

    skew = float(wait_until(skew_line, 30, "skew metric").split()[-1])
    assert abs(skew - THREE_HOURS.total_seconds()) < 60
    assert 'lianxin_hub_kiosk_outbox_waiting{kiosk="k1",station="st01"} 4' in hub.metrics()
    wait_until(lambda: hub.count("check_ins") == 1, 30, "check-in stored")
    assert hub.process is not None and "event=clock_skew" in hub.process.log()

    engine = create_engine(hub.database_url)
    with engine.connect() as connection:
        kiosk_time, received_at = connection.execute(
            text("SELECT kiosk_time, received_at FROM inbox WHERE request_id = :id"),
            {"id": request_id},
        ).one()
    engine.dispose()
    # Both times are kept; the hub's own clock is the one rules use.
    recorded = datetime.fromisoformat(str(kiosk_time)).replace(tzinfo=UTC)
    received = datetime.fromisoformat(str(received_at)).replace(tzinfo=UTC)
    assert abs((recorded - received) - THREE_HOURS) < timedelta(minutes=1)
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=1)
