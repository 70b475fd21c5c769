"""125 kHz EM4100 / EM4102 ASCII-frame readers (RDM6300 and similar): framing.

A read is 14 bytes at 9600 8N1, repeated while the tag stays in the field::

    02 | 10 ASCII hex (5 bytes: version/customer + 4-byte id) | 2 ASCII hex XOR | 03

ID Innovations ID-12/ID-20 put CR LF before ETX (16 bytes); ``parse_frames``
accepts both. The credential is the raw 5 bytes as upper-case hex.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from devices.parsing import FrameError, Parsed
from devices.reads import CredentialRead
from devices.scan import CredentialKind

STX = 0x02
ETX = 0x03
FRAME_LEN = 14
_MAX_LEN = 16  # with the optional CR LF
_HEX = frozenset(b"0123456789ABCDEFabcdef")


@dataclass(frozen=True)
class Em4100Tag:
    """The five data bytes of a tag."""

    data: bytes

    @property
    def credential(self) -> str:
        return self.data.hex().upper()

    @property
    def card_number(self) -> str:
        """The number usually printed on the card: last 4 bytes, decimal, 10 digits."""
        return f"{int.from_bytes(self.data[1:], 'big'):010d}"

    @property
    def facility_card(self) -> str:
        """The other printed form: byte 3 and bytes 4-5 (``206,30028``)."""
        return f"{self.data[2]},{int.from_bytes(self.data[3:], 'big')}"


def encode_frame(data: bytes, *, crlf: bool = False) -> bytes:
    """The frame a reader sends for these 5 data bytes (simulators and tests)."""
    if len(data) != 5:
        raise ValueError("EM4100 data is 5 bytes")
    checksum = reduce(lambda a, b: a ^ b, data, 0)
    body = (data.hex() + f"{checksum:02x}").upper().encode("ascii")
    return bytes([STX]) + body + (b"\r\n" if crlf else b"") + bytes([ETX])


def parse_frames(buf: bytes) -> Parsed[Em4100Tag]:
    """Split ``buf`` into tags; keep an incomplete trailing frame in ``rest``."""
    frames: list[Em4100Tag] = []
    errors: list[FrameError] = []
    pos = 0
    while True:
        start = buf.find(bytes([STX]), pos)
        if start < 0:
            if pos < len(buf):
                errors.append(FrameError(f"skipped {len(buf) - pos} bytes without STX"))
            return Parsed(frames, b"", errors)
        if start > pos:
            errors.append(FrameError(f"skipped {start - pos} bytes before STX"))
        end = buf.find(bytes([ETX]), start + 1, start + _MAX_LEN)
        if end < 0:
            if len(buf) - start < _MAX_LEN:
                return Parsed(frames, buf[start:], errors)
            errors.append(FrameError(f"no ETX within {_MAX_LEN} bytes of STX"))
            pos = start + 1
            continue
        result = _decode(buf[start + 1 : end])
        if isinstance(result, FrameError):
            errors.append(result)
            # A corrupt frame may hide the STX of a good one: resync inside it.
            next_stx = buf.find(bytes([STX]), start + 1, end)
            pos = next_stx if next_stx >= 0 else end + 1
            continue
        frames.append(result)
        pos = end + 1


def _decode(body: bytes) -> Em4100Tag | FrameError:
    if len(body) == 14 and body.endswith(b"\r\n"):
        body = body[:12]
    if len(body) != 12:
        return FrameError(f"frame body is {len(body)} bytes, want 12")
    if not all(b in _HEX for b in body):
        return FrameError("frame body is not ASCII hex")
    data = bytes.fromhex(body[:10].decode("ascii"))
    got = int(body[10:12], 16)
    want = reduce(lambda a, b: a ^ b, data, 0)
    if got != want:
        return FrameError(f"checksum mismatch: got 0x{got:02X}, want 0x{want:02X}")
    return Em4100Tag(data)


def decode(buf: bytes) -> Parsed[CredentialRead]:
    """``parse_frames`` as credential reads, for the stream run loop."""
    parsed = parse_frames(buf)
    reads = [
        CredentialRead(CredentialKind.RFID_EM4100, tag.credential, tag.card_number)
        for tag in parsed.frames
    ]
    return Parsed(reads, parsed.rest, parsed.errors)
