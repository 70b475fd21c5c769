"""The one normalised scan event that every reader produces.

This is the boundary between the drivers and the rest of the system: the
kiosk core only ever sees a :class:`ScanEvent`. A resident ID number never
crosses it in clear: drivers turn it into a keyed hash (``credential``) and
a masked form (``display``) before an event exists.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

# The longest credential a request can carry (protocol.messages.Credential):
# a longer code (a QR code holding a URL, say) is not a card this centre issued.
MAX_CREDENTIAL_CHARS = 128


class CredentialKind(enum.StrEnum):
    """What a person presented. The values travel on the wire (protocol)."""

    ID_CARD = "id_card"  # China 2nd-generation resident ID card (keyed hash)
    RFID_EM4100 = "rfid_em4100"  # 125 kHz, raw 5 bytes as 10 hex chars
    RFID_UID = "rfid_uid"  # 13.56 MHz Mifare / ISO 14443 UID, hex
    WIEGAND = "wiegand"  # facility/card through a serial converter
    QR = "qr"  # QR code text (a signed token, verified upstream)
    BARCODE = "barcode"  # 1-D barcode text


@dataclass(frozen=True)
class PersonInfo:
    """Text fields decoded from an ID card, for visitor registration only.

    Never logged, never stored by the kiosk outbox, never published except
    inside a visitor-registration request the person consented to. The ID
    number itself is not here: only its hash (``ScanEvent.credential``).
    """

    name: str
    gender: str  # "0" unknown, "1" male, "2" female, "9" unstated (GB/T 2261.1)
    nation: str  # two-digit code
    birth_date: str  # YYYYMMDD


@dataclass(frozen=True)
class ScanEvent:
    """One read of one credential, as the rest of the system may see it.

    ``credential`` is the stable identifier that rosters key on: for ID cards
    an HMAC-SHA256 hex digest (per-deployment secret), for RFID cards the raw
    card bytes as upper-case hex, for QR / barcodes the symbol text.
    ``display`` is safe to show on screen and in logs (masked for ID cards).
    ``read_at`` is timezone-aware UTC.
    """

    reader_id: str
    kind: CredentialKind
    credential: str
    display: str
    read_at: datetime
    person: PersonInfo | None = None

    def __post_init__(self) -> None:
        if self.read_at.tzinfo is None:
            raise ValueError("ScanEvent.read_at must be timezone-aware")
        if not self.credential:
            raise ValueError("ScanEvent.credential must not be empty")


ScanCallback = Callable[[ScanEvent], None]


class ScanSource(Protocol):
    """Something that produces scans: a driver on a port, or a synthetic source.

    ``run`` blocks in the caller's thread until ``stop`` is set, calling
    ``on_scan`` once per (de-duplicated) scan from that same thread.
    ``health`` is "ok", "missing" (port absent / unplugged) or "error".
    """

    def run(self, on_scan: ScanCallback, stop: threading.Event) -> None: ...

    @property
    def health(self) -> str: ...
