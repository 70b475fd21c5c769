"""Decode the read-info answer of an ID card reader into the fields we may use.

The 256-byte text block is UCS-2 little-endian, space padded. We decode the
name, gender, nation, birth date and the ID number; the address, issuing
authority and validity are never decoded, and the 1024-byte photo is never
copied out of the frame (least personal data, PIPL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from devices.idcard.number import validate_id_number
from devices.idhash import mask_id_number
from devices.parsing import FrameError
from devices.scan import PersonInfo

TEXT_LEN = 256
# (start, end) byte offsets inside the text block.
_NAME = (0, 30)
_GENDER = (30, 32)
_NATION = (32, 36)
_BIRTH = (36, 52)
_ID_NUMBER = (122, 158)
# Foreigners' permanent residence (2017: "I", 2023: "Y") and HK/Macao/Taiwan
# residence permits ("J") put a card-type letter at byte 248 of the block.
_CARD_TYPE = (248, 250)
_FOREIGN_TYPES = {
    "I": "foreign permanent residence card (type I)",
    "Y": "foreign permanent residence card (type Y)",
    "J": "Hong Kong / Macao / Taiwan residence permit (type J)",
}
_GENDERS = {"0", "1", "2", "9"}


@dataclass(frozen=True, repr=False)
class IdCardText:
    """Decoded card text. Holds the clear ID number: never log it, never let it out."""

    person: PersonInfo
    id_number: str

    def __repr__(self) -> str:  # a stray log line must not leak the number or the person
        return f"IdCardText(id_number={mask_id_number(self.id_number)!r})"


def text_block(read_answer: bytes) -> bytes | FrameError:
    """The text block inside a read-info answer's data (after SW1..SW3).

    Layout: text length (2, BE) | photo length (2, BE) | text | photo. The
    photo is not copied.
    """
    if len(read_answer) < 4:
        return FrameError(f"read answer too short: {len(read_answer)} bytes")
    text_len = int.from_bytes(read_answer[0:2], "big")
    photo_len = int.from_bytes(read_answer[2:4], "big")
    if text_len != TEXT_LEN:
        return FrameError(f"text length {text_len}, want {TEXT_LEN}")
    if len(read_answer) < 4 + text_len + photo_len:
        return FrameError(
            f"read answer has {len(read_answer) - 4} bytes, header says {text_len + photo_len}"
        )
    return read_answer[4 : 4 + text_len]


def decode_text(block: bytes) -> IdCardText | FrameError:
    """Decode and validate a 256-byte text block; errors never contain the ID number."""
    if len(block) != TEXT_LEN:
        return FrameError(f"text block is {len(block)} bytes, want {TEXT_LEN}")
    card_type = _field(block, _CARD_TYPE)
    if isinstance(card_type, FrameError):
        return card_type
    if card_type in _FOREIGN_TYPES:
        return FrameError(f"{_FOREIGN_TYPES[card_type]} is not supported")
    values: list[str] = []
    for span, label in (
        (_NAME, "name"),
        (_GENDER, "gender"),
        (_NATION, "nation"),
        (_BIRTH, "birth date"),
        (_ID_NUMBER, "ID number"),
    ):
        value = _field(block, span)
        if isinstance(value, FrameError):
            return FrameError(f"{label}: {value.reason}")
        values.append(value)
    name, gender, nation, birth, number = values
    problem = validate_id_number(number)
    if problem is not None:
        return problem
    if not name:
        return FrameError("name is empty")
    if gender not in _GENDERS:
        return FrameError("gender code is not one of 0, 1, 2, 9")
    if len(nation) != 2 or not nation.isdigit():
        return FrameError("nation code is not two digits")
    if not _is_date(birth):
        return FrameError("birth date is not a valid YYYYMMDD date")
    if birth != number[6:14]:
        return FrameError("birth date does not match the ID number")
    return IdCardText(PersonInfo(name, gender, nation, birth), number)


def encode_text(person: PersonInfo, id_number: str, card_type: str = " ") -> bytes:
    """Build a text block (for simulators and tests)."""
    fields = [
        (person.name, 15),
        (person.gender, 1),
        (person.nation, 2),
        (person.birth_date, 8),
        ("", 35),
        (id_number, 18),
        ("", 15),
        ("", 8),
        ("", 8),
        ("", 14),
        (card_type, 1),
        ("", 3),
    ]
    text = "".join(value[:chars].ljust(chars) for value, chars in fields)
    return text.encode("utf-16-le")


def _field(block: bytes, span: tuple[int, int]) -> str | FrameError:
    raw = block[span[0] : span[1]]
    try:
        text = raw.decode("utf-16-le")
    except UnicodeDecodeError:
        return FrameError("not valid UCS-2")
    return text.replace("\x00", " ").strip()


def _is_date(value: str) -> bool:
    if len(value) != 8 or not value.isdigit():
        return False
    try:
        dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return False
    return True
