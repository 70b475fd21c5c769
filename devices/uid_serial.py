"""13.56 MHz (Mifare / ISO 14443) readers that print the UID as hex text per line.

Vendors differ in separators (``04:A2:...``, ``04 A2 ...``, none) and byte
order; both are options. The credential is the UID as upper-case hex, most
significant (first transmitted over the air) byte first.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable

from devices.lines import Terminator, line_decoder
from devices.parsing import FrameError, Parsed
from devices.reads import CredentialRead
from devices.scan import CredentialKind

UID_LENGTHS = (4, 7, 10)
_SEPARATORS = ":- \t"
_HEX = frozenset(string.hexdigits)


class ByteOrder(enum.StrEnum):
    MSB = "msb"  # printed as transmitted: UID0 first
    LSB = "lsb"  # printed reversed (some readers print a little-endian number)


def parse_uid(line: bytes, byte_order: ByteOrder = ByteOrder.MSB) -> bytes | FrameError:
    """The UID bytes in one printed line (separators ignored)."""
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        return FrameError("UID line is not ASCII")
    digits = "".join(ch for ch in text.strip() if ch not in _SEPARATORS)
    if not digits or not set(digits) <= _HEX:
        return FrameError("UID line is not hex")
    if len(digits) % 2:
        return FrameError(f"UID has an odd number of hex digits ({len(digits)})")
    uid = bytes.fromhex(digits)
    if len(uid) not in UID_LENGTHS:
        return FrameError(f"UID is {len(uid)} bytes, want 4, 7 or 10")
    return uid[::-1] if byte_order is ByteOrder.LSB else uid


def encode_uid(
    uid: bytes,
    byte_order: ByteOrder = ByteOrder.MSB,
    separator: str = "",
    terminator: bytes = b"\r\n",
) -> bytes:
    """What such a reader prints for ``uid`` (simulators and tests)."""
    ordered = uid[::-1] if byte_order is ByteOrder.LSB else uid
    return separator.join(f"{b:02X}" for b in ordered).encode("ascii") + terminator


def make_decoder(
    terminator: Terminator = Terminator.ANY, byte_order: ByteOrder = ByteOrder.MSB
) -> Callable[[bytes], Parsed[CredentialRead]]:
    """A pure decoder for the stream run loop."""

    def read_line(line: bytes) -> CredentialRead | FrameError:
        uid = parse_uid(line, byte_order)
        if isinstance(uid, FrameError):
            return uid
        return CredentialRead(CredentialKind.RFID_UID, uid.hex().upper(), uid.hex().upper())

    return line_decoder(terminator, 64, read_line)
