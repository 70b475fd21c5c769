"""Turn a resident ID number into what may leave the driver: a keyed hash and masks.

The clear number exists only inside the ID card driver, between decoding the
card text and calling :func:`hash_id_number`. Rosters key on the hash; the
screen shows :func:`mask_id_number` (names: protocol/masking.py).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

MIN_KEY_BYTES = 16


def read_id_hash_key(path: Path) -> bytes:
    """The per-deployment key from its file: the file's bytes, surrounding white space removed."""
    return path.read_bytes().strip()


def hash_id_number(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 of the upper-cased ID number under the per-deployment ``key``, as hex.

    The same number under the same key always gives the same digest, so the
    hub's roster can match it; without the key the digest cannot be reversed
    by enumerating the (small) space of valid ID numbers.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"id hash key must be at least {MIN_KEY_BYTES} bytes, got {len(key)}")
    return hmac.new(key, id_number.strip().upper().encode("ascii"), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    """Keep the first and last four characters: ``1101**********123X``."""
    number = id_number.strip().upper()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
