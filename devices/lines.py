"""Line framing for readers that send text terminated by CR, LF or CR LF."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from devices.parsing import FrameError, Parsed

T = TypeVar("T")


class Terminator(enum.StrEnum):
    """Which line ends a reader sends. ``ANY`` accepts CR, LF and CR LF."""

    CR = "cr"
    LF = "lf"
    CRLF = "crlf"
    ANY = "any"


def split_lines(buf: bytes, terminator: Terminator, max_len: int = 4096) -> Parsed[bytes]:
    """Complete, non-empty lines without their terminator; an unfinished line is ``rest``.

    A line longer than ``max_len`` is dropped with an error (a scanner never
    sends one; noise or a wrong baud rate does).
    """
    frames: list[bytes] = []
    errors: list[FrameError] = []
    pos = 0
    while True:
        end, term_len = _find_end(buf, pos, terminator)
        if end < 0:
            rest = buf[pos:]
            if len(rest) > max_len:
                errors.append(FrameError(f"line longer than {max_len} bytes without terminator"))
                rest = b""
            return Parsed(frames, rest, errors)
        line = buf[pos:end]
        if len(line) > max_len:
            errors.append(FrameError(f"line of {len(line)} bytes exceeds {max_len}"))
        elif line:
            frames.append(line)
        pos = end + term_len


def line_decoder(
    terminator: Terminator, max_len: int, read_line: Callable[[bytes], T | FrameError]
) -> Callable[[bytes], Parsed[T]]:
    """A pure decoder for the stream run loop: each complete line read by ``read_line``.

    A line it refuses is an error beside the other lines' reads; the rest
    of the buffer is kept for the next call.
    """

    def decode(buf: bytes) -> Parsed[T]:
        lines = split_lines(buf, terminator, max_len)
        reads: list[T] = []
        errors = list(lines.errors)
        for line in lines.frames:
            read = read_line(line)
            if isinstance(read, FrameError):
                errors.append(read)
            else:
                reads.append(read)
        return Parsed(reads, lines.rest, errors)

    return decode


def _find_end(buf: bytes, pos: int, terminator: Terminator) -> tuple[int, int]:
    if terminator is Terminator.CR:
        return buf.find(b"\r", pos), 1
    if terminator is Terminator.LF:
        return buf.find(b"\n", pos), 1
    if terminator is Terminator.CRLF:
        return buf.find(b"\r\n", pos), 2
    # CR and LF each end a line; the empty line between CR and LF is skipped.
    ends = [i for i in (buf.find(b"\r", pos), buf.find(b"\n", pos)) if i >= 0]
    return (min(ends), 1) if ends else (-1, 0)
