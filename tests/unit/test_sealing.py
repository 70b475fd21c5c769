"""Sealed phone numbers: only the hub's private key opens them; tampering is caught."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol.masking import mask_phone
from protocol.sealing import (
    SEALED_PATTERN,
    SealError,
    new_key_pair,
    open_sealed,
    seal,
)

PRIVATE, PUBLIC = new_key_pair()


@settings(max_examples=50, deadline=None)
@given(st.from_regex(r"\A\+?[0-9]{5,15}\Z"))
def test_round_trip_and_nothing_in_clear(phone: str) -> None:
    sealed = seal(PUBLIC, phone)
    assert re.match(SEALED_PATTERN, sealed)
    assert phone not in sealed
    assert open_sealed(PRIVATE, sealed) == phone
    assert seal(PUBLIC, phone) != sealed  # a fresh ephemeral key every time


def test_another_key_or_an_altered_value_cannot_open() -> None:
    sealed = seal(PUBLIC, "13800138000")
    other_private, _ = new_key_pair()
    with pytest.raises(SealError, match="another key"):
        open_sealed(other_private, sealed)
    flipped = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    with pytest.raises(SealError):
        open_sealed(PRIVATE, flipped)
    with pytest.raises(SealError, match="not a sealed value"):
        open_sealed(PRIVATE, "13800138000")


def test_masked_phone_shows_only_the_ends() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("+8613800138000") == "+86*******8000"
    assert mask_phone("12345") == "12***"
