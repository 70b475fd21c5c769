"""Signing up for an activity and withdrawing, with the wait list.

Every decision about one activity first locks its row, so seat counting
and wait-list order are decided one request at a time per activity, on
SQLite (one writer) and on PostgreSQL with several hub workers.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.domain.changes import mark_changed
from hub.domain.clock import local_iso
from hub.domain.outcome import Code, Outcome, ok, rejected
from hub.domain.records import Activity, Signup, SignupStatus
from hub.domain.waitlist import (
    free_seat,
    lock_activity,
    next_queue_position,
    places_left,
    promote,
    waiting_count,
)
from protocol.messages import SignupCreateRequest, SignupWithdrawRequest
from protocol.replies import JsonScalar

log = logging.getLogger(__name__)


def sign_up(session: Session, request: SignupCreateRequest, now: datetime) -> Outcome:
    """A seat if one is free, else a place on the wait list if the person accepts one."""
    body = request.body
    activity = lock_activity(session, body.activity_id)
    if activity is None:
        return rejected(Code.UNKNOWN_ACTIVITY, {"activity_id": body.activity_id})
    if activity.starts_at <= now:
        return rejected(Code.SIGNUP_CLOSED, {"activity_id": activity.id})
    kind, credential = body.credential.kind.value, body.credential.value
    existing = _active_signup(session, activity.id, kind, credential)
    if existing is not None:
        return rejected(
            Code.ALREADY_SIGNED_UP, {"activity_id": activity.id, "state": existing.status}
        )
    seat = free_seat(session, activity)
    if seat is None and not body.allow_waitlist:
        return rejected(Code.FULL, {"activity_id": activity.id, "capacity": activity.capacity})
    signup = Signup(
        request_id=request.id,
        activity_id=activity.id,
        credential_kind=kind,
        credential=credential,
        status=(SignupStatus.CONFIRMED if seat is not None else SignupStatus.WAITLISTED).value,
        seat=seat,
        queue_position=next_queue_position(session, activity.id),
        created_at=now,
        changed_at=now,
    )
    session.add(signup)
    session.flush()
    mark_changed(session, "activities")
    result = _details(activity, signup)
    if seat is None:
        result["waitlist_position"] = waiting_count(session, activity.id)
        return ok(Code.WAITLISTED, result)
    result["places_left"] = places_left(session, activity)
    return ok(Code.SIGNED_UP, result)


def withdraw(session: Session, request: SignupWithdrawRequest, now: datetime) -> Outcome:
    """Leave an activity or its wait list; a freed seat goes to the first one waiting."""
    body = request.body
    activity = lock_activity(session, body.activity_id)
    if activity is None:
        return rejected(Code.UNKNOWN_ACTIVITY, {"activity_id": body.activity_id})
    signup = _active_signup(session, activity.id, body.credential.kind.value, body.credential.value)
    if signup is None:
        return rejected(Code.NOT_SIGNED_UP, {"activity_id": activity.id})
    if activity.starts_at <= now:
        return rejected(Code.SIGNUP_CLOSED, {"activity_id": activity.id})
    signup.status = SignupStatus.WITHDRAWN.value
    signup.seat = None
    signup.changed_at = now
    session.flush()
    promoted = promote(session, activity, now)
    for person in promoted:
        log.info(
            "promoted from the wait list of %s",
            activity.id,
            extra={
                "event": "waitlist_promoted",
                "station": activity.station_id,
                "request_id": person.request_id,
            },
        )
    mark_changed(session, "activities")
    return ok(
        Code.WITHDRAWN,
        {
            "activity_id": activity.id,
            "promoted": len(promoted),
            "places_left": places_left(session, activity),
        },
    )


def _active_signup(session: Session, activity_id: str, kind: str, credential: str) -> Signup | None:
    return session.scalars(
        select(Signup).where(
            Signup.activity_id == activity_id,
            Signup.credential_kind == kind,
            Signup.credential == credential,
            Signup.status.in_((SignupStatus.CONFIRMED.value, SignupStatus.WAITLISTED.value)),
        )
    ).first()


def _details(activity: Activity, signup: Signup) -> dict[str, JsonScalar]:
    return {
        "activity_id": activity.id,
        "title_zh": activity.title_zh,
        "title_en": activity.title_en,
        "starts_at": local_iso(activity.starts_at),
        "ends_at": local_iso(activity.ends_at),
        "signup_id": signup.id,
    }
