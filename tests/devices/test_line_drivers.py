"""Pure parsers of the line-based readers: UID serial, barcode / QR, Wiegand converters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices import barcode, uid_serial, wiegand
from devices.lines import Terminator, split_lines
from devices.parsing import FrameError
from devices.scan import CredentialKind
from tests.devices.conftest import split_at

TERMINATORS = {Terminator.CR: b"\r", Terminator.LF: b"\n", Terminator.CRLF: b"\r\n"}
line_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


@given(st.binary(max_size=300), st.sampled_from(list(Terminator)))
def test_split_lines_never_raises_on_arbitrary_bytes(data, terminator):
    parsed = split_lines(data, terminator, max_len=50)
    assert all(isinstance(e, FrameError) for e in parsed.errors)


@given(
    st.lists(line_text.filter(lambda t: t.strip() == t), min_size=1, max_size=5),
    st.sampled_from([*TERMINATORS, Terminator.ANY]),
    st.lists(st.integers(0, 200), max_size=6),
)
def test_barcodes_split_across_reads_or_joined_round_trip(symbols, terminator, cuts):
    suffix = TERMINATORS.get(terminator, b"\r\n")
    wire = b"".join(s.encode() + suffix for s in symbols)
    decode = barcode.make_decoder(CredentialKind.QR, terminator)
    got, errors, rest = [], [], b""
    for chunk in split_at(wire, cuts):
        parsed = decode(rest + chunk)
        got += parsed.frames
        errors += parsed.errors
        rest = parsed.rest
    assert [r.credential for r in got] == symbols
    assert errors == [] and rest == b""


def test_barcode_display_is_short_and_bad_bytes_are_precise():
    assert barcode.display_of("LX-" + "9" * 40) == "LX-999999999999…"
    assert barcode.parse_symbol(b"ab\xffcd") == FrameError("symbol is not valid utf-8 at byte 2")


@pytest.mark.parametrize(
    ("line", "order", "want"),
    [
        (b"04:A2:3B:1C", uid_serial.ByteOrder.MSB, "04A23B1C"),
        (b"04 a2 3b 1c", uid_serial.ByteOrder.MSB, "04A23B1C"),
        (b"1C3BA204", uid_serial.ByteOrder.LSB, "04A23B1C"),
        (b"04A23B1C5D6E7F", uid_serial.ByteOrder.MSB, "04A23B1C5D6E7F"),
    ],
)
def test_uid_lines_with_separators_and_byte_orders(line, order, want):
    uid = uid_serial.parse_uid(line, order)
    assert isinstance(uid, bytes) and uid.hex().upper() == want


def test_bad_uid_lines_have_precise_reasons():
    assert uid_serial.parse_uid(b"04A23") == FrameError("UID has an odd number of hex digits (5)")
    assert uid_serial.parse_uid(b"04A2") == FrameError("UID is 2 bytes, want 4, 7 or 10")
    assert uid_serial.parse_uid(b"XYZ!") == FrameError("UID line is not hex")


@given(
    st.lists(
        st.sampled_from([4, 7, 10]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(list(uid_serial.ByteOrder)),
    st.sampled_from(["", ":", " ", "-"]),
    st.lists(st.integers(0, 120), max_size=5),
)
def test_uids_round_trip_through_the_decoder(uids, order, separator, cuts):
    wire = b"".join(uid_serial.encode_uid(u, order, separator) for u in uids)
    decode = uid_serial.make_decoder(Terminator.ANY, order)
    got, rest = [], b""
    for chunk in split_at(wire, cuts):
        parsed = decode(rest + chunk)
        assert parsed.errors == []
        got += parsed.frames
        rest = parsed.rest
    assert [r.credential for r in got] == [u.hex().upper() for u in uids]


@given(st.binary(max_size=200))
def test_uid_and_wiegand_decoders_never_raise(data):
    for decode in (
        uid_serial.make_decoder(),
        wiegand.make_decoder(),
        wiegand.make_decoder(wiegand.OutputFormat.HEX, 34),
        wiegand.make_decoder(wiegand.OutputFormat.DECIMAL),
    ):
        parsed = decode(data)
        assert all(isinstance(e, FrameError) for e in parsed.errors)


def test_wiegand_26_reference_example():
    card = wiegand.parse_bits("00101101000000001010001000")
    assert card == wiegand.WiegandCard(26, 90, 324)
    assert card.credential == "5A0144" and card.display == "90/324"


wiegand_cards = st.one_of(
    st.builds(wiegand.WiegandCard, st.just(26), st.integers(0, 255), st.integers(0, 65535)),
    st.builds(wiegand.WiegandCard, st.just(34), st.integers(0, 65535), st.integers(0, 65535)),
)


@given(wiegand_cards, st.sampled_from(list(wiegand.OutputFormat)))
def test_wiegand_round_trips_in_every_converter_format(card, fmt):
    line = wiegand.format_line(card, fmt).encode()
    assert wiegand.parse_line(line, fmt, card.bits) == card


@given(wiegand_cards, st.data())
def test_any_single_bit_error_fails_parity_precisely(card, data):
    bits = list(wiegand.encode_bits(card))
    index = data.draw(st.integers(0, card.bits - 1))
    bits[index] = "1" if bits[index] == "0" else "0"
    result = wiegand.parse_bits("".join(bits))
    half = (card.bits - 2) // 2
    if index <= half:
        assert result == FrameError(f"even parity failed over bits 1-{half}")
    else:
        assert result == FrameError(f"odd parity failed over bits {half + 1}-{card.bits - 2}")


def test_wiegand_size_mismatch_is_rejected():
    bits = wiegand.encode_bits(wiegand.WiegandCard(34, 1, 2))
    assert wiegand.parse_line(bits.encode(), wiegand.OutputFormat.BITS, 26) == FrameError(
        "frame has 34 bits, configured for 26"
    )


@pytest.mark.parametrize(
    ("line", "fmt"),
    [
        (b"1_2", wiegand.OutputFormat.DECIMAL),
        (b"+12", wiegand.OutputFormat.DECIMAL),
        (b"0x1f", wiegand.OutputFormat.HEX),
        (b"1f_ff", wiegand.OutputFormat.HEX),
    ],
)
def test_wiegand_numbers_are_plain_digits_only(line, fmt):
    """int() takes underscores, signs and a 0x prefix; a converter never sends them."""
    assert wiegand.parse_line(line, fmt, 26) == FrameError(
        f"converter line is not a {fmt.value} number"
    )
