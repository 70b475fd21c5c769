"""Values a driver passes between its parser and its run loop, and its error reports."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from devices.scan import CredentialKind, PersonInfo


@dataclass(frozen=True)
class CredentialRead:
    """One decoded read, before duplicate suppression turns it into a ScanEvent.

    ``credential`` is already safe to leave the driver (a hash for ID cards).
    """

    kind: CredentialKind
    credential: str
    display: str
    person: PersonInfo | None = field(default=None, repr=False)


class ErrorCode(enum.StrEnum):
    FRAME = "frame"  # bytes that are not a valid frame (checksum, parity, length)
    STATUS = "status"  # the reader answered with a failure status
    TIMEOUT = "timeout"  # the reader did not answer in time
    CARD = "card"  # a frame was valid but the card content is not usable
    PORT = "port"  # the port went away or could not be used


@dataclass(frozen=True)
class ReaderError:
    """A problem a driver reports without stopping. ``reason`` never holds a clear ID number."""

    reader_id: str
    code: ErrorCode
    reason: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


ErrorCallback = Callable[[ReaderError], None]


class DriverUnavailableError(RuntimeError):
    """A driver cannot run here: an optional dependency (pyscard, evdev) is missing."""
