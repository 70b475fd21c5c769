"""PC/SC contactless readers: the card UID by the GET DATA APDU ``FF CA 00 00 00``.

Needs the optional ``pyscard`` package (``pip install 'lianxin[pcsc]'``) and a
running ``pcscd``; it is imported only when a PC/SC reader is opened.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
from typing import Any

from devices.delivery import ScanDelivery
from devices.parsing import FrameError
from devices.reads import CredentialRead, DriverUnavailableError, ErrorCode
from devices.scan import CredentialKind, ScanCallback
from devices.transport import Health

logger = logging.getLogger(__name__)

GET_UID = (0xFF, 0xCA, 0x00, 0x00, 0x00)


def parse_uid_response(answer: bytes) -> bytes | FrameError:
    """UID from a GET DATA answer: ``UID... 90 00``; any other status word is an error."""
    if len(answer) < 2:
        return FrameError(f"answer of {len(answer)} bytes has no status word")
    sw1, sw2 = answer[-2], answer[-1]
    if (sw1, sw2) != (0x90, 0x00):
        return FrameError(f"status word {sw1:02X} {sw2:02X}, want 90 00")
    uid = answer[:-2]
    if len(uid) not in (4, 7, 10):
        return FrameError(f"UID is {len(uid)} bytes, want 4, 7 or 10")
    return uid


def require_pyscard() -> None:
    """Raise a clear ``DriverUnavailableError`` if pyscard is not installed."""
    if importlib.util.find_spec("smartcard") is None:
        raise DriverUnavailableError(
            "the pcsc driver needs pyscard (pip install 'lianxin[pcsc]') and pcscd"
        )


class PcscReader:
    """``ScanSource`` polling the first PC/SC reader whose name contains ``name``.

    A card on the reader is read once; the next read needs the card removed.
    ``health`` is "missing" while no matching reader exists.
    """

    def __init__(self, name: str, delivery: ScanDelivery, poll_interval_s: float = 0.2) -> None:
        require_pyscard()
        self._name = "" if name in ("", "auto", "-") else name
        self._delivery = delivery
        self._poll = poll_interval_s
        self._health = Health.MISSING

    @property
    def health(self) -> str:
        return self._health.value

    def run(self, on_scan: ScanCallback, stop: threading.Event) -> None:
        system: Any = importlib.import_module("smartcard.System")
        errors: Any = importlib.import_module("smartcard.Exceptions")
        card_present = False
        while not stop.is_set():
            try:
                card_present = self._poll_once(system, card_present, on_scan)
            except errors.SmartcardException as exc:
                # NoCardException / CardConnectionException: no card (or it left mid-read)
                logger.debug(
                    "no card: %s",
                    exc,
                    extra={"reader": self._delivery.reader_id, "event": "pcsc_no_card"},
                )
                card_present = False
            stop.wait(self._poll)

    def _poll_once(self, system: Any, card_present: bool, on_scan: ScanCallback) -> bool:
        readers = [r for r in system.readers() if self._name in str(r)]
        self._health = Health.OK if readers else Health.MISSING
        if not readers:
            return False
        connection = readers[0].createConnection()
        connection.connect()
        try:
            data, sw1, sw2 = connection.transmit(list(GET_UID))
        finally:
            connection.disconnect()
        if card_present:
            return True
        uid = parse_uid_response(bytes(data) + bytes([sw1, sw2]))
        if isinstance(uid, FrameError):
            self._delivery.report(ErrorCode.FRAME, uid.reason)
            return True
        text = uid.hex().upper()
        self._delivery.emit(CredentialRead(CredentialKind.RFID_UID, text, text), on_scan)
        return True
