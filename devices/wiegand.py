"""Wiegand 26 (HID H10301) and 34 (H10306) through a serial converter.

Bits are numbered 0 (first sent) to N-1. Bit 0 is even parity over the first
half of the data bits, bit N-1 odd parity over the second half; the card
number is the last 16 data bits and the facility code the bits before it.
Converters print the frame as an ASCII bit string, as hex of all N bits, or as
the decimal of the data bits only (no parity to check), one per line. The
credential is the data bits as upper-case hex (6 digits for W26, 8 for W34).
"""

from __future__ import annotations

import enum
import string
from collections.abc import Callable
from dataclasses import dataclass

from devices.lines import Terminator, line_decoder
from devices.parsing import FrameError, Parsed
from devices.reads import CredentialRead
from devices.scan import CredentialKind

FORMATS_BITS = (26, 34)


class OutputFormat(enum.StrEnum):
    BITS = "bits"  # "00101101000000001010001000"
    HEX = "hex"  # all N bits as a number, in hex
    DECIMAL = "decimal"  # the N-2 data bits as a decimal number


@dataclass(frozen=True)
class WiegandCard:
    bits: int  # 26 or 34
    facility: int
    card: int

    @property
    def data(self) -> int:
        return (self.facility << 16) | self.card

    @property
    def credential(self) -> str:
        return f"{self.data:0{(self.bits - 2) // 4}X}"

    @property
    def display(self) -> str:
        return f"{self.facility}/{self.card}"


def parse_bits(bits: str) -> WiegandCard | FrameError:
    """A frame given as its bit string, parity checked."""
    size = len(bits)
    if size not in FORMATS_BITS:
        return FrameError(f"frame has {size} bits, want 26 or 34")
    if set(bits) - {"0", "1"}:
        return FrameError("bit string holds characters other than 0 and 1")
    half = (size - 2) // 2
    first, second = bits[1 : 1 + half], bits[1 + half : size - 1]
    if (bits[0] + first).count("1") % 2:
        return FrameError(f"even parity failed over bits 1-{half}")
    if (second + bits[-1]).count("1") % 2 == 0:
        return FrameError(f"odd parity failed over bits {half + 1}-{size - 2}")
    data = int(bits[1 : size - 1], 2)
    return WiegandCard(size, data >> 16, data & 0xFFFF)


def encode_bits(card: WiegandCard) -> str:
    """The bit string with both parity bits (simulators and tests)."""
    if card.card >= 1 << 16 or card.facility >= 1 << (card.bits - 18):
        raise ValueError(f"facility {card.facility} / card {card.card} do not fit W{card.bits}")
    data = f"{card.data:0{card.bits - 2}b}"
    half = len(data) // 2
    even = str(data[:half].count("1") % 2)
    odd = str(1 - data[half:].count("1") % 2)
    return even + data + odd


def parse_line(line: bytes, fmt: OutputFormat, bits: int) -> WiegandCard | FrameError:
    """One converter output line in ``fmt`` for ``bits``-bit frames."""
    try:
        text = line.decode("ascii").strip()
    except UnicodeDecodeError:
        return FrameError("converter line is not ASCII")
    if fmt is OutputFormat.BITS:
        card = parse_bits(text)
        if not isinstance(card, FrameError) and card.bits != bits:
            return FrameError(f"frame has {card.bits} bits, configured for {bits}")
        return card
    base, limit = (16, bits) if fmt is OutputFormat.HEX else (10, bits - 2)
    digits = string.hexdigits if fmt is OutputFormat.HEX else string.digits
    if not text or any(ch not in digits for ch in text):  # int() would take "1_2" and "0x1f"
        return FrameError(f"converter line is not a {fmt.value} number")
    value = int(text, base)
    if value < 0 or value >= 1 << limit:
        return FrameError(f"value does not fit {limit} bits")
    if fmt is OutputFormat.HEX:
        return parse_bits(f"{value:0{bits}b}")
    return WiegandCard(bits, value >> 16, value & 0xFFFF)


def format_line(card: WiegandCard, fmt: OutputFormat) -> str:
    """What a converter prints for ``card`` (simulators and tests)."""
    bits = encode_bits(card)
    if fmt is OutputFormat.BITS:
        return bits
    if fmt is OutputFormat.HEX:
        return f"{int(bits, 2):X}"
    return str(card.data)


def make_decoder(
    fmt: OutputFormat = OutputFormat.BITS,
    bits: int = 26,
    terminator: Terminator = Terminator.ANY,
) -> Callable[[bytes], Parsed[CredentialRead]]:
    """A pure decoder for the stream run loop."""

    def read_line(line: bytes) -> CredentialRead | FrameError:
        card = parse_line(line, fmt, bits)
        if isinstance(card, FrameError):
            return card
        return CredentialRead(CredentialKind.WIEGAND, card.credential, card.display)

    return line_decoder(terminator, 64, read_line)
