from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.em4100 import Em4100Tag, encode_frame, parse_frames
from devices.parsing import FrameError
from tests.devices.conftest import split_at

WORKED = bytes.fromhex("02 33 43 30 30 43 45 37 35 34 43 43 42 03")


def test_worked_example_from_the_reference():
    parsed = parse_frames(WORKED)
    assert parsed.frames == [Em4100Tag(bytes.fromhex("3C00CE754C"))]
    tag = parsed.frames[0]
    assert tag.credential == "3C00CE754C"
    assert tag.card_number == "0013530444"
    assert tag.facility_card == "206,30028"
    assert encode_frame(tag.data) == WORKED


def test_id12_variant_with_crlf_is_accepted():
    frame = encode_frame(bytes.fromhex("3C00CE754C"), crlf=True)
    assert len(frame) == 16
    assert parse_frames(frame).frames == [Em4100Tag(bytes.fromhex("3C00CE754C"))]


def test_wrong_checksum_is_rejected_with_the_exact_reason():
    bad = WORKED[:11] + b"CA" + WORKED[13:]
    parsed = parse_frames(bad)
    assert parsed.frames == []
    assert parsed.errors == [FrameError("checksum mismatch: got 0xCA, want 0xCB")]


def test_non_hex_body_is_rejected():
    parsed = parse_frames(b"\x023C00CE754CZZ\x03")
    assert parsed.errors == [FrameError("frame body is not ASCII hex")]


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data: bytes):
    parsed = parse_frames(data)
    assert data.endswith(parsed.rest)
    assert all(isinstance(e, FrameError) for e in parsed.errors)


@given(
    st.lists(st.binary(min_size=5, max_size=5), min_size=1, max_size=6),
    st.lists(st.integers(0, 100), max_size=6),
)
def test_frames_split_across_reads_or_joined_round_trip(tags, cuts):
    wire = b"".join(encode_frame(t) for t in tags)
    got, errors, rest = [], [], b""
    for chunk in split_at(wire, cuts):
        parsed = parse_frames(rest + chunk)
        got += parsed.frames
        errors += parsed.errors
        rest = parsed.rest
    assert [t.data for t in got] == tags
    assert errors == [] and rest == b""


@given(st.binary(min_size=5, max_size=5), st.sampled_from(range(1, 13)), st.integers(1, 255))
def test_corrupt_frame_does_not_hide_the_next_good_one(data, index, flip):
    bad = bytearray(encode_frame(data))
    bad[index] ^= flip
    good = bytes.fromhex("3C00CE754C")
    parsed = parse_frames(bytes(bad) + encode_frame(good))
    assert parsed.frames[-1] == Em4100Tag(good)
