"""Build requests at the kiosk: an id, the next sequence number, the envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

from devices.scan import ScanEvent
from kiosk.core.outbox import Draft, Outbox, OutboxEntry
from protocol.codec import encode
from protocol.ids import new_request_id
from protocol.masking import mask_phone
from protocol.messages import (
    BookingCancelBody,
    BookingCancelRequest,
    BookingCreateBody,
    BookingCreateRequest,
    CheckInBody,
    CheckInRequest,
    Credential,
    CredentialKind,
    MemberRegisterBody,
    MemberRegisterRequest,
    MessageType,
    Request,
    ServiceRequestBody,
    ServiceRequestRequest,
    SignupCreateBody,
    SignupCreateRequest,
    SignupWithdrawBody,
    SignupWithdrawRequest,
    VisitorRegisterBody,
    VisitorRegisterRequest,
)
from protocol.sealing import seal
from protocol.topics import request_topic

Lang = Literal["zh_CN", "en"]


class PhoneKeyMissing(ValueError):
    """This kiosk has no hub public key, so it cannot take a phone number."""


class RequestWriter:
    """Writes one request per intent to the outbox; durable when a method returns."""

    def __init__(
        self, outbox: Outbox, station: str, kiosk: str, phone_key: bytes | None = None
    ) -> None:
        self._phone_key = phone_key
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

    # -- the other request types (issue 4): one method per intent ------------------

    def booking_create(
        self,
        credential: Credential,
        room_id: str,
        start: datetime,
        end: datetime,
        *,
        note: str = "",
        lang: Lang = "zh_CN",
    ) -> OutboxEntry:
        """Ask the hub for ``room_id`` from ``start`` to ``end`` (aware times)."""
        body = BookingCreateBody(
            credential=credential, room_id=room_id, start=start, end=end, note=note
        )
        return self._write(MessageType.BOOKING_CREATE, BookingCreateRequest, body, lang)

    def booking_cancel(
        self, credential: Credential, booking_id: str, *, lang: Lang = "zh_CN"
    ) -> OutboxEntry:
        body = BookingCancelBody(credential=credential, booking_id=booking_id)
        return self._write(MessageType.BOOKING_CANCEL, BookingCancelRequest, body, lang)

    def signup_create(
        self,
        credential: Credential,
        activity_id: str,
        *,
        allow_waitlist: bool = True,
        lang: Lang = "zh_CN",
    ) -> OutboxEntry:
        body = SignupCreateBody(
            credential=credential, activity_id=activity_id, allow_waitlist=allow_waitlist
        )
        return self._write(MessageType.SIGNUP_CREATE, SignupCreateRequest, body, lang)

    def signup_withdraw(
        self, credential: Credential, activity_id: str, *, lang: Lang = "zh_CN"
    ) -> OutboxEntry:
        body = SignupWithdrawBody(credential=credential, activity_id=activity_id)
        return self._write(MessageType.SIGNUP_WITHDRAW, SignupWithdrawRequest, body, lang)

    def service_request(
        self, credential: Credential, service_id: str, *, note: str = "", lang: Lang = "zh_CN"
    ) -> OutboxEntry:
        body = ServiceRequestBody(credential=credential, service_id=service_id, note=note)
        return self._write(MessageType.SERVICE_REQUEST, ServiceRequestRequest, body, lang)

    def visitor_register(
        self,
        name: str,
        phone: str,
        *,
        consent_version: str,
        credential: Credential | None = None,
        lang: Lang = "zh_CN",
    ) -> OutboxEntry:
        """Register a person without a known card; only call after explicit consent.

        The phone is sealed to the hub's public key here, so the outbox, the
        broker and every database after it hold only the sealed and masked
        forms. Raises PhoneKeyMissing when this kiosk was given no hub key.
        """
        if self._phone_key is None:
            raise PhoneKeyMissing("visitor registration needs the hub's phone key (phone_key_file)")
        body = VisitorRegisterBody(
            name=name,
            phone_sealed=seal(self._phone_key, phone),
            phone_masked=mask_phone(phone),
            consent=True,
            consent_version=consent_version,
            credential=credential,
        )
        return self._write(MessageType.VISITOR_REGISTER, VisitorRegisterRequest, body, lang)

    def member_register(
        self, credential: Credential, organisation_id: str, *, note: str = "", lang: Lang = "zh_CN"
    ) -> OutboxEntry:
        body = MemberRegisterBody(credential=credential, organisation_id=organisation_id, note=note)
        return self._write(MessageType.MEMBER_REGISTER, MemberRegisterRequest, body, lang)

    def _write(
        self, kind: MessageType, model: type[Request], body: BaseModel, lang: Lang
    ) -> OutboxEntry:
        """Validate the envelope with ``model`` and store it, as ``check_in`` does."""
        topic = request_topic(self._station, self._kiosk, kind.value)

        def build(seq: int) -> Draft:
            request = model.model_validate(
                {
                    "v": 1,
                    "id": new_request_id(),
                    "type": kind,
                    "station": self._station,
                    "kiosk": self._kiosk,
                    "kiosk_time": datetime.now(UTC).astimezone(),
                    "seq": seq,
                    "lang": lang,
                    "body": body,
                }
            )
            return Draft(request.id, kind.value, topic, encode(request))

        return self._outbox.add(build)


def credential_of(scan: ScanEvent) -> Credential:
    """The wire credential for a scan (the two enums share their values)."""
    return Credential(kind=CredentialKind(scan.kind.value), value=scan.credential)
