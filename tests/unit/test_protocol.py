"""The wire contract: strict decoding with precise, non-raising errors."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.codec import decode_reply, decode_request, decode_snapshot, encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import CheckInRequest
from protocol.topics import parse_request_topic, request_topic
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
