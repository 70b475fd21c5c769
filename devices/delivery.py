"""The last step of every driver: suppress duplicates, stamp, log, hand over."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from devices.dedupe import Deduplicator
from devices.reads import CredentialRead, ErrorCallback, ErrorCode, ReaderError
from devices.scan import ScanCallback, ScanEvent

logger = logging.getLogger(__name__)


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

    def emit(self, read: CredentialRead, on_scan: ScanCallback) -> None:
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
        on_scan(
            ScanEvent(
                reader_id=self.reader_id,
                kind=read.kind,
                credential=read.credential,
                display=read.display,
                read_at=datetime.now(UTC),
                person=read.person,
            )
        )

    def report(self, code: ErrorCode, reason: str) -> None:
        logger.warning(
            "%s error: %s",
            code.value,
            reason,
            extra={"reader": self.reader_id, "event": f"{code.value}_error"},
        )
        if self._on_error is not None:
            self._on_error(ReaderError(self.reader_id, code, reason))
