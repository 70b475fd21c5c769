"""SAM protocol framing for China ID card readers: pure functions over bytes.

Both directions share one frame::

    AA AA AA 96 69 | LEN_HI LEN_LO | body (LEN - 1 bytes) | CHK

``LEN`` (big-endian) counts the body and the checksum; ``CHK`` is the XOR of
``LEN_HI`` through the last body byte. A request body is ``CMD PARA DATA...``;
a response body is ``SW1 SW2 SW3 DATA...``. Sources checked: see docs/devices.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import reduce

from devices.parsing import FrameError, Parsed

PREAMBLE = bytes.fromhex("AAAAAA9669")
HEADER_LEN = len(PREAMBLE) + 2
# Largest frame we accept: text + photo + fingerprint (30 10) is 256 + 1024 + 1024 + 12.
MAX_LEN = 0x0A00


class Command(enum.Enum):
    """Requests the driver and the simulator know, as (CMD, PARA)."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    READ_SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)


class Status(enum.IntEnum):
    """SW3 codes. Anything but SUCCESS / FIND_SUCCESS is a failure."""

    SUCCESS = 0x90
    FIND_SUCCESS = 0x9F
    HOST_CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    COMMAND_ERROR = 0x21
    NOT_PERMITTED = 0x23
    UNRECOGNISED_ERROR = 0x24
    CARD_AUTH_SAM_FAILED = 0x31
    SAM_AUTH_CARD_FAILED = 0x32
    VERIFICATION_ERROR = 0x33
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41
    RANDOM_FAILED = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    NO_CARD = 0x80
    SELECT_FAILED = 0x81
    NO_CONTENT = 0x91


def describe_status(sw3: int) -> str:
    """``0x41 (READ_FAILED)`` style text for logs and errors."""
    try:
        return f"0x{sw3:02X} ({Status(sw3).name})"
    except ValueError:
        return f"0x{sw3:02X} (unknown)"


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> Command | None:
        try:
            return Command((self.cmd, self.para))
        except ValueError:
            return None


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw1 == 0 and self.sw2 == 0 and self.sw3 in (Status.SUCCESS, Status.FIND_SUCCESS)


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode_frame(body: bytes) -> bytes:
    """Wrap a body in preamble, length and checksum."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


def encode_request(command: Command, data: bytes = b"") -> bytes:
    cmd, para = command.value
    return encode_frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


def parse_requests(buf: bytes) -> Parsed[Request]:
    """Host -> reader frames (what a simulated reader receives)."""
    raw = split_frames(buf, min_len=3)
    frames = [Request(body[0], body[1], body[2:]) for body in raw.frames]
    return Parsed(frames, raw.rest, raw.errors)


def parse_responses(buf: bytes) -> Parsed[Response]:
    """Reader -> host frames (what the driver receives)."""
    raw = split_frames(buf, min_len=4)
    frames = [Response(body[0], body[1], body[2], body[3:]) for body in raw.frames]
    return Parsed(frames, raw.rest, raw.errors)


def split_frames(buf: bytes, *, min_len: int) -> Parsed[bytes]:
    """Find checksummed frames in ``buf``; return their bodies (without CHK).

    Noise before a preamble is dropped with an error. A frame that fails its
    checksum or length check costs one byte of resynchronisation, so a good
    frame that follows a corrupt one is still found.
    """
    frames: list[bytes] = []
    errors: list[FrameError] = []
    pos = 0
    resyncing = False  # bytes skipped right after a rejected frame were already reported
    while True:
        start = buf.find(PREAMBLE, pos)
        end_of_noise = len(buf) - _partial_preamble_suffix(buf, pos) if start < 0 else start
        if end_of_noise > pos and not resyncing:
            where = "without preamble" if start < 0 else "before preamble"
            errors.append(FrameError(f"skipped {end_of_noise - pos} bytes {where}"))
        if start < 0:
            return Parsed(frames, buf[end_of_noise:], errors)
        resyncing = False
        if len(buf) - start < HEADER_LEN:
            return Parsed(frames, buf[start:], errors)
        length = int.from_bytes(buf[start + 5 : start + 7], "big")
        if not min_len <= length <= MAX_LEN:
            errors.append(FrameError(f"length 0x{length:04X} out of range {min_len}..{MAX_LEN}"))
            pos, resyncing = start + 1, True
            continue
        end = start + HEADER_LEN + length
        if len(buf) < end:
            return Parsed(frames, buf[start:], errors)
        got = buf[end - 1]
        want = xor(buf[start + 5 : end - 1])
        if got != want:
            errors.append(FrameError(f"checksum mismatch: got 0x{got:02X}, want 0x{want:02X}"))
            pos, resyncing = start + 1, True
            continue
        frames.append(buf[start + HEADER_LEN : end - 1])
        pos = end


def _partial_preamble_suffix(buf: bytes, pos: int) -> int:
    """How many trailing bytes of ``buf`` could be the start of a preamble."""
    for size in range(min(len(PREAMBLE) - 1, len(buf) - pos), 0, -1):
        if buf.endswith(PREAMBLE[:size]):
            return size
    return 0
