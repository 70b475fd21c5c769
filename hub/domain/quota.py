"""Per-person booking quota: active bookings per local week, counted under a lock.

The count is read after locking the person's ``booking_holders`` row, so
two workers deciding for the same person one after the other see each
other's booking; other people are never blocked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.domain.clock import week_start
from hub.domain.models import ACTIVE_BOOKING, Booking, BookingHolder


def lock_person(session: Session, kind: str, credential: str) -> None:
    """Take this person's row lock (created on first use) until the transaction ends."""
    if session.get(BookingHolder, (kind, credential), with_for_update=True) is not None:
        return
    try:
        with session.begin_nested():
            session.add(BookingHolder(credential_kind=kind, credential=credential))
    except IntegrityError:
        pass  # another worker created it first; the lock below waits for it
    session.get(BookingHolder, (kind, credential), with_for_update=True, populate_existing=True)


def bookings_in_week(session: Session, kind: str, credential: str, moment: datetime) -> int:
    """Active bookings of this person starting in the local week that holds ``moment``."""
    first = week_start(moment)
    return int(
        session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.credential_kind == kind,
                Booking.credential == credential,
                Booking.status.in_(ACTIVE_BOOKING),
                Booking.starts_at >= first,
                Booking.starts_at < first + timedelta(days=7),
            )
        )
        or 0
    )
