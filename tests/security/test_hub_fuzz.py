"""Thousands of malformed MQTT payloads to a running hub: it stays up, stores nothing."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from protocol.codec import decode_request
from protocol.errors import ProtocolError
from protocol.topics import reply_topic, request_topic
from tests.system import envelopes
from tests.system.stack import Stack
from tests.waiting import wait_until

EXAMPLES = 2000
TYPES = ["check_in", "booking_create", "service_request", "visitor_register", "x", "check in"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated_envelope(draw: st.DrawFn) -> bytes:
    """A valid check-in with one thing broken: a key gone, a value swapped, a key added."""
    envelope: dict[str, Any] = json.loads(envelopes.check_in()[1])
    target = draw(st.sampled_from([envelope, envelope["body"], envelope["body"]["credential"]]))
    key = draw(st.sampled_from(sorted(target)))
    action = draw(st.sampled_from(["drop", "replace", "add"]))
    if action == "drop":
        del target[key]
    elif action == "replace":
        target[key] = draw(json_values)
    else:
        target[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    return json.dumps(envelope).encode()


payloads = st.one_of(
    st.binary(max_size=400),
    json_values.map(lambda value: json.dumps(value).encode()),
    mutated_envelope(),
)


def test_hub_survives_malformed_payloads_and_stores_nothing(stack: Stack) -> None:
    hub = stack.hub().start()
    probe = stack.probe()
    sent = []

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(message_type=st.sampled_from(TYPES), payload=payloads)
    def publish_malformed(message_type: str, payload: bytes) -> None:
        topic = request_topic("st01", "k1", message_type)
        assume(isinstance(decode_request(topic, payload), ProtocolError))  # only the malformed
        probe.publish(topic, payload)
        sent.append(payload)

    publish_malformed()
    assert len(sent) > EXAMPLES // 2

    good_topic, good_payload, good_id = envelopes.check_in()
    probe.publish(good_topic, good_payload)
    wait_until(
        lambda: any(
            reply.get("request_id") == good_id and reply["status"] == "ok"
            for reply in probe.on(reply_topic("st01", "k1"))
        ),
        120,
        "the good request answered after the flood",
    )
    assert hub.process is not None and hub.process.alive
    assert hub.count("inbox") == 1 and hub.count("check_ins") == 1
    refused = sum(
        int(float(line.split()[-1]))
        for line in hub.metrics().splitlines()
        if line.startswith("lianxin_hub_refused_messages_total{")
    )
    assert refused == len(sent)
