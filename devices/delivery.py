"""The last step of every driver: suppress duplicates, stamp, log, hand over.

The hand-over is where a driver's thread meets the kiosk's code: whatever
``on_scan`` raises is logged with its traceback and reported as a card
error, and the reader goes on reading; a reader thread that died would
leave the kiosk deaf with nothing on screen to say so.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from devices.dedupe import Deduplicator
from devices.reads import CredentialRead, ErrorCallback, ErrorCode, ReaderError
from devices.scan import MAX_CREDENTIAL_CHARS, ScanCallback, ScanEvent

logger = logging.getLogger(__name__)
WARN_EVERY_S = 10.0


class ScanDelivery:
    """Turns reads into ScanEvents (once per credential per window) and reports errors.

    Logs carry ``reader``, ``event`` and the display form only: never a
    credential of an ID card in clear (it is not even here) nor PersonInfo.
    """

    def __init__(
        self, reader_id: str, dedupe: Deduplicator, on_error: ErrorCallback | None = None
    ) -> None:
        self.reader_id = reader_id
        self._dedupe = dedupe
        self._on_error = on_error
        self._warned: dict[ErrorCode, tuple[float, int]] = {}  # code -> (last shown, not shown)

    def emit(self, read: CredentialRead, on_scan: ScanCallback) -> None:
        if len(read.credential) > MAX_CREDENTIAL_CHARS:
            self.report(
                ErrorCode.CARD,
                f"code of {len(read.credential)} characters is not a card"
                f" (at most {MAX_CREDENTIAL_CHARS}): {read.display}",
            )
            return
        if not self._dedupe.is_new(read.credential):
            logger.debug(
                "duplicate suppressed",
                extra={"reader": self.reader_id, "event": "duplicate", "display": read.display},
            )
            return
        logger.info(
            "scan %s",
            read.display,
            extra={
                "reader": self.reader_id,
                "event": "scan",
                "kind": read.kind.value,
                "display": read.display,
            },
        )
        scan = ScanEvent(
            reader_id=self.reader_id,
            kind=read.kind,
            credential=read.credential,
            display=read.display,
            read_at=datetime.now(UTC),
            person=read.person,
        )
        try:
            on_scan(scan)
        except Exception as exc:  # the reader must outlive a bug in what it hands scans to
            logger.exception(
                "scan %s was not taken: %s",
                read.display,
                exc,
                extra={"reader": self.reader_id, "event": "scan_not_taken"},
            )
            self.report(ErrorCode.CARD, f"scan {read.display} was not taken: {exc}")

    def report(self, code: ErrorCode, reason: str) -> None:
        """Hand the error on; log it, but one line per code per ``WARN_EVERY_S`` at most.

        A reader with a loose cable can send hundreds of bad frames a
        second: each is reported to ``on_error`` (which counts them), and
        the log says how many it did not show.
        """
        now = time.monotonic()
        shown_at, unshown = self._warned.get(code, (-WARN_EVERY_S, 0))
        if now - shown_at >= WARN_EVERY_S:
            self._warned[code] = (now, 0)
            logger.warning(
                "%s error: %s%s",
                code.value,
                reason,
                f" ({unshown} more {code.value} errors not shown)" if unshown else "",
                extra={"reader": self.reader_id, "event": f"{code.value}_error"},
            )
        else:
            self._warned[code] = (shown_at, unshown + 1)
            logger.debug(
                "%s error: %s",
                code.value,
                reason,
                extra={"reader": self.reader_id, "event": f"{code.value}_error"},
            )
        if self._on_error is not None:
            self._on_error(ReaderError(self.reader_id, code, reason))
