"""``encode_reply`` writes exactly what the ``Reply`` model would, for any valid reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.codec import decode_reply, encode, encode_reply
from protocol.messages import MessageType
from protocol.replies import Reply, ReplyStatus
from protocol.topics import NAME_PATTERN

_names = st.from_regex(NAME_PATTERN, fullmatch=True)
_times = st.builds(
    lambda instant, minutes: instant.astimezone(timezone(timedelta(minutes=minutes))),
    st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2100, 12, 30), timezones=st.just(UTC)
    ),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
_fields = st.fixed_dictionaries(
    {
        "request_id": st.one_of(st.none(), st.uuids().map(str)),
        "request_type": st.one_of(st.none(), st.sampled_from([t.value for t in MessageType])),
        "station": _names,
        "kiosk": _names,
        "status": st.sampled_from(list(ReplyStatus)),
        "code": st.from_regex(r"^[a-z][a-z0-9_]{0,39}$", fullmatch=True),
        "message": st.text(max_size=500),
        "hub_time": _times,
        "result": st.dictionaries(st.text(max_size=20), _scalars, max_size=5),
        "duplicate": st.booleans(),
    }
)


@settings(max_examples=400, deadline=None)
@given(fields=_fields)
def test_the_same_bytes_as_the_model(fields: dict[str, Any]) -> None:
    model = Reply(v=1, type="reply", **fields)
    assert encode_reply(**fields) == encode(model)


def test_a_check_in_reply_reads_back_as_sent() -> None:
    hub_time = datetime(2026, 12, 6, 13, 47, 37, 617239, tzinfo=UTC)
    payload = encode_reply(
        request_id="01a24b86-3596-762b-b98b-b5a9f2983b09",
        request_type="check_in",
        station="st01",
        kiosk="k1",
        status=ReplyStatus.OK,
        code="checked_in",
        message="签到成功",
        hub_time=hub_time,
        result={"check_in_id": 1, "visits_this_year": 3},
    )
    assert "签到成功".encode() in payload  # readable, not \u-escaped
    reply = decode_reply(payload)
    assert isinstance(reply, Reply)
    assert (reply.status, reply.code, reply.duplicate) == (ReplyStatus.OK, "checked_in", False)
    assert reply.hub_time == hub_time and reply.result == {"check_in_id": 1, "visits_this_year": 3}
