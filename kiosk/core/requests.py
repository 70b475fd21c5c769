"""Build requests at the kiosk: an id, the next sequence number, the envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from devices.scan import ScanEvent
from kiosk.core.outbox import Draft, Outbox, OutboxEntry
from protocol.codec import encode
from protocol.ids import new_request_id
from protocol.messages import (
    CheckInBody,
    CheckInRequest,
    Credential,
    CredentialKind,
    MessageType,
)
from protocol.topics import request_topic

Lang = Literal["zh_CN", "en"]


class RequestWriter:
    """Writes one request per intent to the outbox; durable when a method returns."""

    def __init__(self, outbox: Outbox, station: str, kiosk: str) -> None:
        self._outbox = outbox
        self._station = station
        self._kiosk = kiosk

    def check_in(
        self, scan: ScanEvent, *, lang: Lang = "zh_CN", activity_id: str | None = None
    ) -> OutboxEntry:
        body = CheckInBody(
            credential=Credential(kind=CredentialKind(scan.kind.value), value=scan.credential),
            purpose="activity" if activity_id else "visit",
            activity_id=activity_id,
            reader_id=scan.reader_id,
            read_at=scan.read_at,
        )

        def build(seq: int) -> Draft:
            request = CheckInRequest(
                v=1,
                id=new_request_id(),
                type=MessageType.CHECK_IN,
                station=self._station,
                kiosk=self._kiosk,
                kiosk_time=datetime.now(UTC).astimezone(),
                seq=seq,
                lang=lang,
                body=body,
            )
            topic = request_topic(self._station, self._kiosk, MessageType.CHECK_IN.value)
            return Draft(request.id, MessageType.CHECK_IN.value, topic, encode(request))

        return self._outbox.add(build)
