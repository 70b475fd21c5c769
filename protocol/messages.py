"""Requests a kiosk sends to the hub: one envelope shape, one body per type.

Every request is a JSON object:

    {"v": 1, "id": "<uuid7>", "type": "check_in", "station": "st01",
     "kiosk": "k1", "kiosk_time": "2026-11-29T12:01:02+08:00", "seq": 42,
     "lang": "zh_CN", "body": {...}}

Validation is strict (no unknown keys, no type coercion) so a kiosk written
by someone else finds out at once when it drifts from the contract.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol.ids import REQUEST_ID_PATTERN
from protocol.sealing import SEALED_PATTERN
from protocol.topics import NAME_PATTERN
from protocol.wire_types import Counter, WireTime

SCHEMA_VERSION: Literal[1] = 1

StationId = Annotated[str, Field(pattern=NAME_PATTERN, description="station id, one topic level")]
KioskId = Annotated[str, Field(pattern=NAME_PATTERN, description="kiosk id, one topic level")]
RequestId = Annotated[str, Field(pattern=REQUEST_ID_PATTERN, description="UUID made at the kiosk")]
ShortId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Lang = Literal["zh_CN", "en"]


class MessageType(enum.StrEnum):
    """Request types; each is also the last level of its request topic."""

    CHECK_IN = "check_in"
    BOOKING_CREATE = "booking_create"
    BOOKING_CANCEL = "booking_cancel"
    SIGNUP_CREATE = "signup_create"
    SIGNUP_WITHDRAW = "signup_withdraw"
    SERVICE_REQUEST = "service_request"
    VISITOR_REGISTER = "visitor_register"
    MEMBER_REGISTER = "member_register"


class CredentialKind(enum.StrEnum):
    """Mirrors devices.scan.CredentialKind; protocol must not import devices."""

    ID_CARD = "id_card"
    RFID_EM4100 = "rfid_em4100"
    RFID_UID = "rfid_uid"
    WIEGAND = "wiegand"
    QR = "qr"
    BARCODE = "barcode"
    NONE = "none"  # a visitor without any card


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Credential(_Strict):
    """What identifies the person: never a clear ID number (a keyed hash)."""

    kind: CredentialKind
    value: Annotated[str, Field(max_length=128, description="hash, card hex or token")]


class CheckInBody(_Strict):
    credential: Credential
    purpose: Literal["visit", "activity"] = "visit"
    activity_id: ShortId | None = None
    reader_id: Annotated[str, Field(max_length=64)] = ""
    read_at: WireTime


class BookingCreateBody(_Strict):
    credential: Credential
    room_id: ShortId
    start: WireTime
    end: WireTime
    note: Annotated[str, Field(max_length=200)] = ""


class BookingCancelBody(_Strict):
    credential: Credential
    booking_id: ShortId


class SignupCreateBody(_Strict):
    credential: Credential
    activity_id: ShortId
    allow_waitlist: bool = True


class SignupWithdrawBody(_Strict):
    credential: Credential
    activity_id: ShortId


class ServiceRequestBody(_Strict):
    credential: Credential
    service_id: ShortId
    note: Annotated[str, Field(max_length=500)] = ""


class VisitorRegisterBody(_Strict):
    """A person with no card the centre knows; consent is required, not optional."""

    name: Annotated[str, Field(min_length=1, max_length=30)]
    # The number itself never travels or rests in clear: sealed at the kiosk to
    # the hub's public key (protocol.sealing), with a masked form for people.
    phone_sealed: Annotated[
        str, Field(pattern=SEALED_PATTERN, description="phone sealed to the hub's key")
    ]
    phone_masked: Annotated[
        str, Field(pattern=r"^\+?[0-9*]{5,16}$", description="e.g. 138****8000")
    ]
    consent: Literal[True]
    consent_version: Annotated[str, Field(min_length=1, max_length=16)]
    credential: Credential | None = None


class MemberRegisterBody(_Strict):
    """党员报到: a Party member registers with the building's organisation."""

    credential: Credential
    organisation_id: ShortId
    note: Annotated[str, Field(max_length=200)] = ""


class _Envelope(_Strict):
    v: Literal[1] = Field(description="schema version")
    id: RequestId
    station: StationId
    kiosk: KioskId
    kiosk_time: WireTime = Field(description="kiosk clock when sent; not trusted for rules")
    seq: Annotated[Counter, Field(description="per-kiosk sequence number, from 1")]
    lang: Lang = "zh_CN"


class CheckInRequest(_Envelope):
    type: Literal[MessageType.CHECK_IN]
    body: CheckInBody


class BookingCreateRequest(_Envelope):
    type: Literal[MessageType.BOOKING_CREATE]
    body: BookingCreateBody


class BookingCancelRequest(_Envelope):
    type: Literal[MessageType.BOOKING_CANCEL]
    body: BookingCancelBody


class SignupCreateRequest(_Envelope):
    type: Literal[MessageType.SIGNUP_CREATE]
    body: SignupCreateBody


class SignupWithdrawRequest(_Envelope):
    type: Literal[MessageType.SIGNUP_WITHDRAW]
    body: SignupWithdrawBody


class ServiceRequestRequest(_Envelope):
    type: Literal[MessageType.SERVICE_REQUEST]
    body: ServiceRequestBody


class VisitorRegisterRequest(_Envelope):
    type: Literal[MessageType.VISITOR_REGISTER]
    body: VisitorRegisterBody


class MemberRegisterRequest(_Envelope):
    type: Literal[MessageType.MEMBER_REGISTER]
    body: MemberRegisterBody


Request = (
    CheckInRequest
    | BookingCreateRequest
    | BookingCancelRequest
    | SignupCreateRequest
    | SignupWithdrawRequest
    | ServiceRequestRequest
    | VisitorRegisterRequest
    | MemberRegisterRequest
)

REQUEST_MODELS: dict[MessageType, type[Request]] = {
    MessageType.CHECK_IN: CheckInRequest,
    MessageType.BOOKING_CREATE: BookingCreateRequest,
    MessageType.BOOKING_CANCEL: BookingCancelRequest,
    MessageType.SIGNUP_CREATE: SignupCreateRequest,
    MessageType.SIGNUP_WITHDRAW: SignupWithdrawRequest,
    MessageType.SERVICE_REQUEST: ServiceRequestRequest,
    MessageType.VISITOR_REGISTER: VisitorRegisterRequest,
    MessageType.MEMBER_REGISTER: MemberRegisterRequest,
}
