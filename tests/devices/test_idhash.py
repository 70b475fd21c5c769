from __future__ import annotations

import pytest

from devices.idhash import hash_id_number, mask_id_number
from protocol.masking import mask_name

KEY = b"k" * 32


def test_masked_id_keeps_four_and_four():
    assert mask_id_number("11010519491231002x") == "1101**********002X"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧**娜"),
        ("张", "*"),
        ("", ""),
        ("A" + "b" * 28 + "Z", "A" + "*" * 18 + "Z"),  # at most 20, as a roster entry holds
    ],
)
def test_mask_name(name: str, masked: str):
    assert mask_name(name) == masked


def test_hash_is_keyed_stable_and_case_insensitive():
    digest = hash_id_number(KEY, "11010519491231002X")
    assert digest == hash_id_number(KEY, "11010519491231002x")
    assert digest != hash_id_number(b"other-key-0123456789", "11010519491231002X")
    assert len(digest) == 64 and "11010519491231002X" not in digest


def test_short_key_is_refused():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        hash_id_number(b"short", "11010519491231002X")
