"""What every pure parser returns: frames, the unconsumed rest, and errors as values.

Parsers in ``devices`` never raise on bad input. They return a :class:`Parsed`
holding the complete frames found, the bytes to keep for the next read (a
frame split across reads), and a :class:`FrameError` for each piece of input
they had to reject, with a precise reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


class FrameError(ValueError):
    """A rejected piece of input, e.g. ``FrameError("checksum mismatch: got 0x3A, want 0x2F")``.

    It is a value first (returned by parsers); it subclasses ``ValueError`` so
    callers that prefer exceptions can raise it. Two errors with the same
    reason compare equal. A reason never contains a clear ID number.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrameError) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(self.reason)

    def __repr__(self) -> str:
        return f"FrameError({self.reason!r})"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """Result of one parser call over a byte buffer."""

    frames: list[T] = field(default_factory=list)
    rest: bytes = b""
    errors: list[FrameError] = field(default_factory=list)
