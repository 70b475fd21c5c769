"""Visitors without a known card, and Party members registering with a building (党员报到)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.domain.changes import mark_changed
from hub.domain.clock import local_day
from hub.domain.outcome import Code, Outcome, ok, rejected
from hub.domain.records import MemberRegistration, Organisation, Visitor
from protocol.messages import MemberRegisterRequest, VisitorRegisterRequest


def register_visitor(session: Session, request: VisitorRegisterRequest, now: datetime) -> Outcome:
    """Keep the least data a visit needs, with the consent version the person accepted."""
    body = request.body
    row = Visitor(
        request_id=request.id,
        station=request.station,
        name=body.name,
        phone_sealed=body.phone_sealed,
        phone_masked=body.phone_masked,
        consent_version=body.consent_version,
        credential_kind=body.credential.kind.value if body.credential else None,
        credential=body.credential.value if body.credential else None,
        registered_at=now,
    )
    session.add(row)
    session.flush()
    if row.credential is not None:  # the card is known from now on (hub/reference.py)
        mark_changed(session, "roster")
    return ok(Code.VISITOR_REGISTERED, {"visitor_id": row.id})


def register_member(session: Session, request: MemberRegisterRequest, now: datetime) -> Outcome:
    """Record the member, the organisation and the local date; once per organisation."""
    body = request.body
    organisation = session.get(Organisation, body.organisation_id)
    if organisation is None:
        return rejected(Code.UNKNOWN_ORGANISATION, {"organisation_id": body.organisation_id})
    kind, credential = body.credential.kind.value, body.credential.value
    earlier = session.scalars(
        select(MemberRegistration).where(
            MemberRegistration.organisation_id == organisation.id,
            MemberRegistration.credential_kind == kind,
            MemberRegistration.credential == credential,
        )
    ).first()
    if earlier is not None:
        return rejected(
            Code.ALREADY_REGISTERED,
            {
                "organisation_id": organisation.id,
                "registered_on": earlier.registered_on.isoformat(),
            },
        )
    row = MemberRegistration(
        request_id=request.id,
        organisation_id=organisation.id,
        credential_kind=kind,
        credential=credential,
        station=request.station,
        note=body.note,
        registered_on=local_day(now),
        registered_at=now,
    )
    try:
        with session.begin_nested():  # a twin from another worker may have won the key
            session.add(row)
    except IntegrityError:
        return rejected(Code.ALREADY_REGISTERED, {"organisation_id": organisation.id})
    return ok(
        Code.MEMBER_REGISTERED,
        {
            "registration_id": row.id,
            "organisation_id": organisation.id,
            "organisation_zh": organisation.name_zh,
            "organisation_en": organisation.name_en,
            "registered_on": row.registered_on.isoformat(),
        },
    )
