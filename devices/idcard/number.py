"""The 18-character resident ID number (GB 11643-1999): shape and check character."""

from __future__ import annotations

import re

from devices.parsing import FrameError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("check_character needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def validate_id_number(number: str) -> FrameError | None:
    """None if ``number`` is a well-formed resident ID number, else why not.

    The reason never repeats the number. Numbers of residence permits that a
    resident-card reader can also read (Hong Kong / Macao / Taiwan: 81, 82,
    83; foreigners' permanent residence since 2023: leading 9) are rejected:
    they are not resident ID cards and their holders register as visitors.
    """
    if not _SHAPE.fullmatch(number):
        return FrameError("ID number is not 17 digits plus a digit or X")
    if number[:2] in {"81", "82", "83"}:
        return FrameError("Hong Kong / Macao / Taiwan residence permit is not supported")
    if number[0] == "9":
        return FrameError("foreign permanent residence card is not supported")
    want = check_character(number[:17])
    if number[17] != want:
        return FrameError(f"GB 11643 check character mismatch: got {number[17]}, want {want}")
    return None
