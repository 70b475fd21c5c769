from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.idcard.number import check_character, validate_id_number
from devices.idcard.text import IdCardText, decode_text, encode_text, text_block
from devices.parsing import FrameError
from devices.scan import PersonInfo
from devices.sim.cards import SyntheticCards

EXAMPLE = "11010519491231002X"  # the GB 11643 standard's own example


def person_for(number: str, name: str = "张三明") -> PersonInfo:
    return PersonInfo(name, "2", "01", number[6:14])


def test_check_character_of_the_standard_example():
    assert check_character(EXAMPLE[:17]) == "X"
    assert validate_id_number(EXAMPLE) is None


def test_wrong_check_character_is_a_read_error():
    assert validate_id_number("110105194912310021") == FrameError(
        "GB 11643 check character mismatch: got 1, want X"
    )


def test_residence_permit_numbers_are_rejected_clearly():
    hk = "810000199001011234"
    assert validate_id_number(hk) == FrameError(
        "Hong Kong / Macao / Taiwan residence permit is not supported"
    )
    assert validate_id_number("9" + EXAMPLE[1:]) == FrameError(
        "foreign permanent residence card is not supported"
    )


@given(st.integers(0, 10_000))
def test_synthetic_numbers_are_valid_and_decode_round_trips(seed: int):
    cards = SyntheticCards(seed)
    number, name = cards.id_number(), cards.name()
    assert validate_id_number(number) is None
    decoded = decode_text(encode_text(person_for(number, name), number))
    assert isinstance(decoded, IdCardText)
    assert decoded.id_number == number
    assert decoded.person == person_for(number, name)


def test_decoded_text_repr_does_not_leak_the_number():
    decoded = decode_text(encode_text(person_for(EXAMPLE), EXAMPLE))
    assert isinstance(decoded, IdCardText)
    assert EXAMPLE not in repr(decoded) and "张三明" not in repr(decoded)


def test_foreign_and_hk_macao_taiwan_layouts_are_rejected():
    for card_type, what in (
        ("I", "foreign permanent residence card (type I)"),
        ("Y", "foreign permanent residence card (type Y)"),
        ("J", "Hong Kong / Macao / Taiwan residence permit (type J)"),
    ):
        block = encode_text(person_for(EXAMPLE), EXAMPLE, card_type)
        assert decode_text(block) == FrameError(f"{what} is not supported")


def test_birth_date_must_match_the_number():
    block = encode_text(PersonInfo("张三", "1", "01", "19500101"), EXAMPLE)
    assert decode_text(block) == FrameError("birth date does not match the ID number")


def test_text_block_never_copies_the_photo():
    text = encode_text(person_for(EXAMPLE), EXAMPLE)
    answer = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + b"\xee" * 1024
    assert text_block(answer) == text
    assert text_block(answer[:300]) == FrameError("read answer has 296 bytes, header says 1280")


@given(st.binary(min_size=256, max_size=256))
def test_arbitrary_text_blocks_never_raise(block: bytes):
    result = decode_text(block)
    assert isinstance(result, IdCardText | FrameError)


@given(st.binary(max_size=1400))
def test_arbitrary_read_answers_never_raise(answer: bytes):
    assert isinstance(text_block(answer), bytes | FrameError)
