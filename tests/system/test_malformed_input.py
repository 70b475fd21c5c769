"""Bad input gets a clear error, changes nothing, and never stops the hub."""

from __future__ import annotations

import json

import pytest

from protocol.codec import MAX_REQUEST_BYTES
from protocol.topics import reply_topic, request_topic
from tests.system import envelopes
from tests.system.stack import Stack
from tests.waiting import wait_until

TOPIC = request_topic("st01", "k1", "check_in")


def _valid() -> dict[str, object]:
    return json.loads(envelopes.check_in()[1])


def _case(name: str) -> tuple[str, bytes, str]:
    """(topic, payload, expected error code)."""
    if name == "not_json":
        return TOPIC, b"{this is not json", "bad_json"
    if name == "not_utf8":
        return TOPIC, b"\xff\xfe\x00", "bad_json"
    if name == "wrong_schema":
        bad = _valid()
        bad["body"] = {"credential": {"kind": "rfid_em4100"}}  # value and read_at missing
        return TOPIC, json.dumps(bad).encode(), "bad_schema"
    if name == "oversized":
        bad = _valid()
        bad["padding"] = "x" * MAX_REQUEST_BYTES
        return TOPIC, json.dumps(bad).encode(), "too_large"
    if name == "other_kiosk":
        return TOPIC, envelopes.check_in(kiosk="k2")[1], "topic_mismatch"
    if name == "other_station":
        return TOPIC, envelopes.check_in(station="st02")[1], "topic_mismatch"
    if name == "unknown_type":
        bad = _valid()
        bad["type"] = "teleport"
        return request_topic("st01", "k1", "teleport"), json.dumps(bad).encode(), "unknown_type"
    if name == "future_version":
        bad = _valid()
        bad["v"] = 2
        return TOPIC, json.dumps(bad).encode(), "unsupported_version"
    raise ValueError(name)


CASES = [
    "not_json",
    "not_utf8",
    "wrong_schema",
    "oversized",
    "other_kiosk",
    "other_station",
    "unknown_type",
    "future_version",
]


@pytest.mark.parametrize("case", CASES)
def test_malformed_request_gets_error_reply_and_stores_nothing(stack: Stack, case: str) -> None:
    hub = stack.hub().start()
    probe = stack.probe()
    topic, payload, code = _case(case)
    replies_topic = reply_topic("st01", "k1")

    probe.publish(topic, payload)
    error = wait_until(lambda: probe.on(replies_topic), 30, "error reply")[0]
    assert (error["status"], error["code"]) == ("error", code)
    assert error["message"]  # a sentence for a person, not just a code
    assert hub.count("inbox") == 0 and hub.count("check_ins") == 0
    assert f'lianxin_hub_refused_messages_total{{code="{code}"}} 1' in hub.metrics()

    # The hub is still serving: the next good request is stored and answered.
    good_topic, good_payload, good_id = envelopes.check_in()
    probe.publish(good_topic, good_payload)
    wait_until(
        lambda: any(
            r.get("request_id") == good_id and r["status"] == "ok" for r in probe.on(replies_topic)
        ),
        30,
        "good request answered",
    )
    assert hub.count("check_ins") == 1
    assert hub.process is not None and hub.process.alive
    refusals = [line for line in hub.process.log().splitlines() if "event=refused" in line]
    assert len(refusals) == 1 and f"code={code}" in refusals[0]
