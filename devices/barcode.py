"""Serial barcode / QR scanners: the symbol text followed by a CR, LF or CR LF suffix."""

from __future__ import annotations

from collections.abc import Callable

from devices.lines import Terminator, line_decoder
from devices.parsing import FrameError, Parsed
from devices.reads import CredentialRead
from devices.scan import CredentialKind

MAX_SYMBOL = 4096  # a QR code holds at most 2953 bytes in binary mode
DISPLAY_CHARS = 16


def display_of(text: str) -> str:
    """A short form for the screen and logs: QR payloads are tokens, not for display."""
    return text if len(text) <= DISPLAY_CHARS else text[: DISPLAY_CHARS - 1] + "…"


def parse_symbol(line: bytes, encoding: str = "utf-8") -> str | FrameError:
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError as exc:
        return FrameError(f"symbol is not valid {encoding} at byte {exc.start}")
    except LookupError:
        return FrameError(f"unknown encoding {encoding!r}")
    text = text.strip()
    if not text:
        return FrameError("symbol is blank")
    if any(ord(ch) < 0x20 for ch in text):
        return FrameError("symbol contains control characters")
    return text


def make_decoder(
    kind: CredentialKind = CredentialKind.QR,
    terminator: Terminator = Terminator.ANY,
    encoding: str = "utf-8",
) -> Callable[[bytes], Parsed[CredentialRead]]:
    """A pure decoder for the stream run loop."""

    def read_line(line: bytes) -> CredentialRead | FrameError:
        text = parse_symbol(line, encoding)
        if isinstance(text, FrameError):
            return text
        return CredentialRead(kind, text, display_of(text))

    return line_decoder(terminator, MAX_SYMBOL, read_line)
