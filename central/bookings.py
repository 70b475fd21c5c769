"""Online bookings: made at central, decided by the hub that owns the room.

The hub is the single writer of its rooms' calendars, so central never
decides: it queues the request, offers it to the hub of its station, and
stores the hub's decision. A decision is write-once; the same decision
posted again (a hub retry) is answered as before, a different one is a
conflict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.models import OnlineBooking
from central.schemas import (
    CredentialIn,
    DecisionIn,
    DecisionOut,
    OnlineBookingIn,
    OnlineBookingOut,
)


@dataclass(frozen=True)
class DecisionRefused:
    """Why a decision was not stored; ``status`` is the HTTP status to answer."""

    status: int
    detail: str


def create(session: Session, booking: OnlineBookingIn) -> OnlineBookingOut:
    row = OnlineBooking(
        station=booking.station,
        room_id=booking.room_id,
        starts_at=booking.start,
        ends_at=booking.end,
        credential_kind=booking.credential.kind.value,
        credential=booking.credential.value,
        note=booking.note,
        lang=booking.lang,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return to_out(row)


def pending(session: Session, stations: list[str], limit: int) -> list[OnlineBookingOut]:
    """Undecided bookings, oldest first, for ``stations`` (empty: every station)."""
    query = select(OnlineBooking).where(OnlineBooking.decided_at.is_(None))
    if stations:
        query = query.where(OnlineBooking.station.in_(stations))
    rows = session.scalars(query.order_by(OnlineBooking.id).limit(limit)).all()
    return [to_out(row) for row in rows]


def decide(
    session: Session, booking_id: int, hub_id: str, stations: list[str], decision: DecisionIn
) -> OnlineBookingOut | DecisionRefused:
    """Store ``decision`` unless one is stored; write-once even under concurrent posts.

    The write is one conditional UPDATE (``WHERE decided_at IS NULL``): of two
    posts at once, exactly one changes the row, on SQLite as on PostgreSQL.
    """
    row = session.get(OnlineBooking, booking_id)
    if row is None:
        return DecisionRefused(404, f"no online booking {booking_id}")
    if stations and row.station not in stations:
        return DecisionRefused(403, f"hub {hub_id} does not serve station {row.station}")
    stored = session.execute(
        update(OnlineBooking)
        .where(OnlineBooking.id == booking_id, OnlineBooking.decided_at.is_(None))
        .values(
            decided_at=datetime.now(UTC),
            decided_by=hub_id,
            decision_status=decision.status,
            decision_code=decision.code,
            decision_json=decision.model_dump_json(),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    if stored.rowcount == 1:  # type: ignore[attr-defined]
        return to_out(row)
    same = (row.decided_by, row.decision_status, row.decision_code) == (
        hub_id,
        decision.status,
        decision.code,
    )
    if same:
        return to_out(row)
    return DecisionRefused(409, f"online booking {booking_id} was already decided")


def get(session: Session, booking_id: int) -> OnlineBookingOut | None:
    row = session.get(OnlineBooking, booking_id)
    return None if row is None else to_out(row)


def to_out(row: OnlineBooking) -> OnlineBookingOut:
    decision = None
    if row.decision_json is not None and row.decided_at is not None and row.decided_by:
        stored = DecisionIn.model_validate(json.loads(row.decision_json))
        decision = DecisionOut(
            **stored.model_dump(), decided_by=row.decided_by, decided_at=_utc(row.decided_at)
        )
    return OnlineBookingOut(
        id=row.id,
        station=row.station,
        room_id=row.room_id,
        start=_utc(row.starts_at),
        end=_utc(row.ends_at),
        credential=CredentialIn.model_validate(
            {"kind": row.credential_kind, "value": row.credential}
        ),
        note=row.note,
        lang="en" if row.lang == "en" else "zh_CN",
        created_at=_utc(row.created_at),
        decision=decision,
    )


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for what was written as UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
