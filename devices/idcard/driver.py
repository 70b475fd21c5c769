"""The ID card reader driver: find -> select -> read, once per card on the reader.

The clear ID number lives only inside ``_read_card``: it is hashed and masked
there and dropped. Logs and error reports carry the masked form at most.
"""

from __future__ import annotations

import logging
import threading
import time

import serial

from devices.dedupe import Deduplicator
from devices.idcard.frames import Command, Response, Status, describe_status, encode_request
from devices.idcard.frames import parse_responses as parse_frames
from devices.idcard.text import decode_text, text_block
from devices.idhash import MIN_KEY_BYTES, hash_id_number, mask_id_number
from devices.parsing import FrameError
from devices.reads import CredentialRead, ErrorCallback, ErrorCode
from devices.scan import CredentialKind, ScanCallback
from devices.serial_source import SerialSource
from devices.transport import Health, SerialLink

logger = logging.getLogger(__name__)


class IdCardReader(SerialSource):
    """A ``ScanSource`` for SAM-protocol ID card readers on a serial link.

    It polls "find card" every ``poll_interval_s``. A card found is selected
    and read (up to ``read_attempts`` tries); then the driver waits for a
    "no card" answer before it reads again, so a card left on the reader is
    one scan. ``health`` is "error" while the reader does not answer or
    answers garbage, "missing" while the port is gone.
    """

    def __init__(
        self,
        link: SerialLink,
        *,
        id_hash_key: bytes,
        dedupe: Deduplicator,
        on_error: ErrorCallback | None = None,
        poll_interval_s: float = 0.25,
        response_timeout_s: float = 1.0,
        read_attempts: int = 3,
    ) -> None:
        if len(id_hash_key) < MIN_KEY_BYTES:
            raise ValueError(f"idcard driver needs an id hash key of {MIN_KEY_BYTES}+ bytes")
        super().__init__(link, dedupe, on_error)
        self._key = id_hash_key
        self._poll = poll_interval_s
        self._timeout = response_timeout_s
        self._attempts = read_attempts

    def _session(self, port: serial.Serial, on_scan: ScanCallback, stop: threading.Event) -> None:
        awaiting_removal = False
        failures = 0
        while not stop.is_set():
            answer = self._transact(port, Command.FIND_CARD, stop)
            if answer is not None:
                if answer.sw3 == Status.NO_CARD:
                    awaiting_removal, failures = False, 0
                elif answer.sw3 == Status.FIND_SUCCESS and not awaiting_removal:
                    read = self._read_card(port, stop)
                    failures = 0 if read is not None else failures + 1
                    if read is not None:
                        self._delivery.emit(read, on_scan)
                    awaiting_removal = read is not None or failures >= self._attempts
                    if awaiting_removal:
                        logger.debug(
                            "waiting for card removal",
                            extra={"reader": self.reader_id, "event": "await_removal"},
                        )
                    continue  # ask again at once: a failed read is retried quickly
                elif not answer.ok:
                    reason = f"find card: {describe_status(answer.sw3)}"
                    self._delivery.report(ErrorCode.STATUS, reason)
            stop.wait(self._poll)

    def _read_card(self, port: serial.Serial, stop: threading.Event) -> CredentialRead | None:
        selected = self._transact(port, Command.SELECT_CARD, stop)
        if selected is None:
            return None
        if not selected.ok:
            self._delivery.report(ErrorCode.STATUS, f"select card: {describe_status(selected.sw3)}")
            return None
        answer = self._transact(port, Command.READ_TEXT_PHOTO, stop)
        if answer is None:
            return None
        if not answer.ok:
            self._delivery.report(ErrorCode.STATUS, f"read card: {describe_status(answer.sw3)}")
            return None
        block = text_block(answer.data)
        text = decode_text(block) if not isinstance(block, FrameError) else block
        if isinstance(text, FrameError):
            self._delivery.report(ErrorCode.CARD, text.reason)
            return None
        return CredentialRead(
            CredentialKind.ID_CARD,
            credential=hash_id_number(self._key, text.id_number),
            display=mask_id_number(text.id_number),
            person=text.person,
        )

    def _transact(
        self, port: serial.Serial, command: Command, stop: threading.Event
    ) -> Response | None:
        """Send one request; the first valid answer, or None (reported) on timeout."""
        port.reset_input_buffer()
        port.write(encode_request(command))
        deadline = time.monotonic() + self._timeout
        buf = b""
        while time.monotonic() < deadline and not stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            if not chunk:
                continue
            parsed = parse_frames(buf + chunk)
            buf = parsed.rest
            for error in parsed.errors:
                self._delivery.report(ErrorCode.FRAME, f"{command.name.lower()}: {error.reason}")
            if parsed.frames:
                self._link.set_health(Health.OK)
                return parsed.frames[0]
        if not stop.is_set():
            # The reason first: whoever sees the health turn to error can find why.
            reason = f"{command.name.lower()}: no answer in {self._timeout} s"
            self._delivery.report(ErrorCode.TIMEOUT, reason)
            self._link.set_health(Health.ERROR)
        return None
