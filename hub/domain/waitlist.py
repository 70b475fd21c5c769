"""Seats and the wait list of an activity; callers hold the activity's row lock.

Seats are numbered 1..capacity and unique per activity, so a seat handed
out twice is a constraint violation, never a silent overbooking. The wait
list is served strictly by ``queue_position`` (first come, first served).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.domain.records import Activity, Signup, SignupStatus


def lock_activity(session: Session, activity_id: str) -> Activity | None:
    """The activity, row-locked until the transaction ends (serialises its seats)."""
    return session.get(Activity, activity_id, with_for_update=True, populate_existing=True)


def free_seat(session: Session, activity: Activity) -> int | None:
    """The lowest seat number nobody holds, or None when the activity is full."""
    held = set(
        session.scalars(
            select(Signup.seat).where(Signup.activity_id == activity.id, Signup.seat.is_not(None))
        )
    )
    return next((seat for seat in range(1, activity.capacity + 1) if seat not in held), None)


def next_queue_position(session: Session, activity_id: str) -> int:
    last = session.scalar(
        select(func.max(Signup.queue_position)).where(Signup.activity_id == activity_id)
    )
    return int(last or 0) + 1


def promote(session: Session, activity: Activity, now: datetime) -> list[Signup]:
    """Give free seats to the wait list, earliest first; returns whom it promoted."""
    promoted = []
    while True:
        seat = free_seat(session, activity)
        if seat is None:
            break
        first = session.scalars(
            select(Signup)
            .where(
                Signup.activity_id == activity.id,
                Signup.status == SignupStatus.WAITLISTED.value,
            )
            .order_by(Signup.queue_position)
            .limit(1)
        ).first()
        if first is None:
            break
        first.status = SignupStatus.CONFIRMED.value
        first.seat = seat
        first.changed_at = now
        session.flush()
        promoted.append(first)
    return promoted


def places_left(session: Session, activity: Activity) -> int:
    taken = session.scalar(
        select(func.count())
        .select_from(Signup)
        .where(Signup.activity_id == activity.id, Signup.seat.is_not(None))
    )
    return max(activity.capacity - int(taken or 0), 0)


def waiting_count(session: Session, activity_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Signup)
            .where(
                Signup.activity_id == activity_id,
                Signup.status == SignupStatus.WAITLISTED.value,
            )
        )
        or 0
    )
