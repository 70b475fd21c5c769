from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.idcard.frames import (
    Command,
    Response,
    encode_request,
    encode_response,
    parse_requests,
    parse_responses,
)
from devices.parsing import FrameError
from tests.devices.conftest import split_at

responses = st.builds(
    Response,
    sw1=st.just(0),
    sw2=st.just(0),
    sw3=st.integers(0, 255),
    data=st.binary(max_size=64),
)


def feed(chunks: list[bytes]) -> tuple[list[Response], list[FrameError], bytes]:
    frames: list[Response] = []
    errors: list[FrameError] = []
    rest = b""
    for chunk in chunks:
        parsed = parse_responses(rest + chunk)
        frames += parsed.frames
        errors += parsed.errors
        rest = parsed.rest
    return frames, errors, rest


def test_request_bytes_match_the_reference_table():
    assert encode_request(Command.FIND_CARD).hex(" ").upper() == "AA AA AA 96 69 00 03 20 01 22"
    assert encode_request(Command.SELECT_CARD).hex(" ").upper() == "AA AA AA 96 69 00 03 20 02 21"
    assert encode_request(Command.READ_TEXT_PHOTO).hex(" ").upper() == (
        "AA AA AA 96 69 00 03 30 01 32"
    )
    assert encode_request(Command.SAM_STATUS).hex(" ").upper() == "AA AA AA 96 69 00 03 11 FF ED"


def test_typical_answers_from_the_reference_parse():
    find_ok = bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
    no_card = bytes.fromhex("AAAAAA9669 0004 000080 84")
    select_ok = bytes.fromhex("AAAAAA9669 000C 000090 0000000000000000 9C")
    parsed = parse_responses(find_ok + no_card + select_ok)
    assert [f.sw3 for f in parsed.frames] == [0x9F, 0x80, 0x90]
    assert parsed.errors == [] and parsed.rest == b""
    assert parsed.frames[0].ok and not parsed.frames[1].ok


def test_wrong_checksum_is_rejected_with_the_exact_reason():
    bad = bytes.fromhex("AAAAAA9669 0004 000080 85")
    parsed = parse_responses(bad)
    assert parsed.frames == []
    assert parsed.errors == [FrameError("checksum mismatch: got 0x85, want 0x84")]


def test_good_frame_after_a_corrupt_one_is_still_found():
    bad = bytes.fromhex("AAAAAA9669 0004 000080 00")
    good = encode_response(0x9F, bytes(4))
    parsed = parse_responses(bad + good)
    assert [f.sw3 for f in parsed.frames] == [0x9F]
    assert FrameError("checksum mismatch: got 0x00, want 0x84") in parsed.errors


def test_impossible_length_is_rejected():
    parsed = parse_responses(bytes.fromhex("AAAAAA9669 0001 00"))
    assert FrameError("length 0x0001 out of range 4..2560") in parsed.errors


@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes):
    for parse in (parse_responses, parse_requests):
        parsed = parse(data)
        assert data.endswith(parsed.rest)
        assert all(isinstance(e, FrameError) for e in parsed.errors)


@given(st.lists(responses, min_size=1, max_size=5), st.lists(st.integers(0, 600), max_size=8))
def test_frames_split_across_reads_or_joined_in_one_read_round_trip(frames, cuts):
    wire = b"".join(encode_response(f.sw3, f.data) for f in frames)
    got, errors, rest = feed(split_at(wire, cuts))
    assert got == frames
    assert errors == [] and rest == b""


@given(responses, st.integers(1, 255), st.binary(max_size=20).filter(lambda b: 0xAA not in b))
def test_flipped_checksum_is_rejected_and_noise_is_skipped(frame, flip, noise):
    wire = bytearray(encode_response(frame.sw3, frame.data))
    want = wire[-1]
    wire[-1] ^= flip
    good = encode_response(0x90)
    parsed = parse_responses(noise + bytes(wire) + good)
    reason = f"checksum mismatch: got 0x{wire[-1]:02X}, want 0x{want:02X}"
    assert FrameError(reason) in parsed.errors
    assert parsed.frames[-1] == Response(0, 0, 0x90)


def test_requests_parse_for_the_simulator():
    parsed = parse_requests(encode_request(Command.FIND_CARD) + encode_request(Command.SELECT_CARD))
    assert [r.command for r in parsed.frames] == [Command.FIND_CARD, Command.SELECT_CARD]
