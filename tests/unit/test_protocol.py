"""The wire contract: strict decoding with precise, non-raising errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.codec import (
    decode_kiosk_status,
    decode_reply,
    decode_request,
    decode_snapshot,
    encode,
)
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import CheckInRequest
from protocol.replies import KioskStatus
from protocol.topics import parse_request_topic, request_topic
from tests.kiosk.fixtures import reference_payloads
from tests.system import envelopes

TOPIC = request_topic("st01", "k1", "check_in")


def test_valid_check_in_round_trips() -> None:
    topic, payload, request_id = envelopes.check_in()
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest)
    assert request.id == request_id
    assert decode_request(topic, encode(request)) == request


def test_naive_kiosk_time_is_rejected() -> None:
    obj = json.loads(envelopes.check_in()[1])
    obj["kiosk_time"] = "2026-11-29T12:00:00"
    error = decode_request(TOPIC, json.dumps(obj).encode())
    assert isinstance(error, ProtocolError) and error.code == ErrorCode.BAD_SCHEMA
    assert "kiosk_time" in error.message


def test_unknown_key_is_rejected_and_id_is_kept_for_the_reply() -> None:
    obj = json.loads(envelopes.check_in()[1])
    obj["body"]["id_number"] = "110101199003077777"
    error = decode_request(TOPIC, json.dumps(obj).encode())
    assert isinstance(error, ProtocolError)
    assert error.code == ErrorCode.BAD_SCHEMA and "body.id_number" in error.message
    assert error.request_id == obj["id"]


def test_string_where_number_expected_is_not_coerced() -> None:
    obj = json.loads(envelopes.check_in()[1])
    obj["seq"] = "7"
    error = decode_request(TOPIC, json.dumps(obj).encode())
    assert isinstance(error, ProtocolError) and "seq" in error.message


def test_each_refusal_says_why_in_the_order_of_the_checks() -> None:
    """A valid request parses once; a refused one is re-examined to name its fault."""
    obj = json.loads(envelopes.check_in("st01", "k1")[1])
    wrong_version = {**obj, "v": 2}
    on_another_kiosk = {**obj, "kiosk": "k2"}
    cases = [
        (TOPIC, b"{not json", ErrorCode.BAD_JSON),
        (TOPIC, json.dumps(wrong_version).encode(), ErrorCode.UNSUPPORTED_VERSION),
        (
            request_topic("st01", "k1", "no_such_type"),
            json.dumps(obj).encode(),
            ErrorCode.TOPIC_MISMATCH,
        ),
        (
            request_topic("st01", "k1", "booking_create"),
            json.dumps(obj).encode(),
            ErrorCode.TOPIC_MISMATCH,
        ),
        (TOPIC, json.dumps(on_another_kiosk).encode(), ErrorCode.TOPIC_MISMATCH),
    ]
    for topic, payload, code in cases:
        error = decode_request(topic, payload)
        assert isinstance(error, ProtocolError), (topic, payload)
        assert error.code == code, (topic, error)
    assert isinstance(decode_request(TOPIC, json.dumps(obj).encode()), CheckInRequest)


def test_topic_with_wildcards_or_bad_names_is_refused() -> None:
    for topic in [
        "lianxin/v1/st/ST 1/k/k1/req/check_in",
        "lianxin/v1/st/+/k/k1/req/x",
        "other/topic",
        "lianxin/v1/st/st01/k/k1/req/check_in/extra",
    ]:
        assert isinstance(parse_request_topic(topic), ProtocolError)


def test_a_topic_parses_the_same_every_time_past_the_kept_ones() -> None:
    """Valid topics are kept once parsed, a refused one stays refused, a full store starts over."""
    from protocol import topics  # noqa: PLC0415 - its store, to fill it past its bound

    bad = "lianxin/v1/st/ST 1/k/k1/req/check_in"
    for _ in range(2):
        assert isinstance(parse_request_topic(bad), ProtocolError)
        parsed = parse_request_topic(request_topic("st07", "k3", "check_in"))
        assert parsed == topics.RequestTopic("st07", "k3", "check_in")
    assert bad not in topics._PARSED
    for n in range(topics._PARSED_MAX + 10):
        assert parse_request_topic(request_topic("st01", f"k{n}", "check_in")) == (
            topics.RequestTopic("st01", f"k{n}", "check_in")
        )
    assert len(topics._PARSED) <= topics._PARSED_MAX
    assert parse_request_topic(request_topic("st07", "k3", "booking_create")) == (
        topics.RequestTopic("st07", "k3", "booking_create")
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise(payload: bytes) -> None:
    result = decode_request(TOPIC, payload)
    assert isinstance(result, ProtocolError)
    assert isinstance(decode_reply(payload), ProtocolError)
    assert isinstance(decode_snapshot(payload), ProtocolError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["v", "id", "type", "station", "kiosk", "kiosk_time", "seq", "body", "lang", "x"]
        ),
        json_values,
    )
)
def test_arbitrary_json_objects_never_raise(obj: dict[str, object]) -> None:
    result = decode_request(TOPIC, json.dumps(obj).encode())
    assert isinstance(result, ProtocolError | CheckInRequest)


def test_deeply_nested_json_is_a_clear_error() -> None:
    payload = b"[" * 5000 + b"]" * 5000
    error = decode_request(TOPIC, payload)
    assert isinstance(error, ProtocolError) and error.code == ErrorCode.BAD_JSON


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (("seq",), 2**31, "seq: Input should be less than or equal to 2147483647"),
        (("kiosk_time",), "9999-12-31T23:59:59-14:00", "kiosk_time: Value error, time must lie"),
        (("body", "read_at"), "0001-01-01T00:00:00+14:00", "body.read_at: Value error, time"),
        (("body", "credential", "value"), "3C00\u0000CE754C", "NUL character"),
    ],
)
def test_values_no_database_could_store_are_refused_at_the_edge(
    field: tuple[str, ...], value: object, said: str
) -> None:
    """Accepted, each of these failed to store on every resend: a kiosk sent it for ever."""
    obj = json.loads(envelopes.check_in()[1])
    *parents, last = field
    holder = obj
    for name in parents:
        holder = holder[name]
    holder[last] = value
    error = decode_request(TOPIC, json.dumps(obj).encode())
    assert isinstance(error, ProtocolError) and error.code == ErrorCode.BAD_SCHEMA
    assert said in error.message and error.request_id == obj["id"]


def test_a_nul_escaped_as_text_is_not_a_nul() -> None:
    obj = json.loads(envelopes.check_in()[1])
    obj["body"]["credential"]["value"] = "QR\\u0000"  # a backslash, then "u0000"
    assert isinstance(decode_request(TOPIC, json.dumps(obj).encode()), CheckInRequest)


def test_a_status_with_an_infinite_wait_is_refused() -> None:
    status = KioskStatus(
        v=1,
        type="kiosk_status",
        station="st01",
        kiosk="k1",
        state="online",
        at=datetime.now(UTC),
        outbox_waiting=0,
        oldest_waiting_s=1.0,
        reader="ok",
        software="t",
    )
    payload = encode(status).replace(b'"oldest_waiting_s":1.0', b'"oldest_waiting_s":1e400')
    error = decode_kiosk_status(payload)
    assert isinstance(error, ProtocolError) and "oldest_waiting_s" in error.message


def test_a_snapshot_version_beyond_the_hubs_counter_is_refused() -> None:
    snapshot = json.loads(reference_payloads(datetime.now(UTC), running=False)[0])
    snapshot["version"] = 2**64
    error = decode_snapshot(json.dumps(snapshot).encode())
    assert isinstance(error, ProtocolError) and "version" in error.message


def test_a_lone_surrogate_is_not_json() -> None:
    """Python's json module takes \\ud800; no UTF-8 text can hold it."""
    payload = envelopes.check_in()[1].replace(b'"3C00CE754C"', b'"3C00\\ud800"')
    error = decode_request(TOPIC, payload)
    assert isinstance(error, ProtocolError) and error.code == ErrorCode.BAD_JSON
