"""The domain's retention rules: who booked, signed up, attended or asked, not kept forever.

After ``[retention] personal_data_days`` (default 400, a reporting year)
from when a record was last live, it loses what says who it was and keeps
what the centre counts (room, activity, service, station, times, status):

- bookings that ended, sign-ups and attendances of activities that ended:
  the credential goes, as for check-ins; the note a person typed goes too;
- service requests staff finished (done or declined): the credential and
  both notes go; an open request stays whole until staff close it;
- visitor registrations: name, phone and card (so the card leaves the
  kiosks' roster) go after ``visitor_days``
  (default and most 365): the kiosk's consent notice promises "at most one
  year" (kiosk/ui/screens/visitor.py);
- the per-person quota locks (``booking_holders``) of people with no
  identified booking left are deleted; ``lock_person`` recreates one on
  the next booking.

Party member registrations (党员报到) are the organisation's membership
record, not visit data: they stay until staff remove them.

Sign-ups and attendances are unique per person and activity, so their
anonymised credential is the row's own id, never one shared blank.
Each rule returns the rows it changed; the job logs them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, cast, delete, exists, select, update
from sqlalchemy.orm import Session

from config.settings import RetentionSettings
from hub.domain.changes import mark_changed
from hub.domain.models import Booking, BookingHolder
from hub.domain.records import Activity, Attendance, ServiceRequest, Signup, Visitor
from hub.models import ANONYMISED

FINISHED_SERVICE = ("done", "declined")


def _cutoff(now: datetime, settings: RetentionSettings) -> datetime:
    return now - timedelta(days=settings.personal_data_days)


def _changed(session: Session, statement: object) -> int:
    result = session.execute(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def anonymise_old_bookings(session: Session, now: datetime, settings: RetentionSettings) -> int:
    return _changed(
        session,
        update(Booking)
        .where(Booking.ends_at < _cutoff(now, settings), Booking.credential_kind != ANONYMISED)
        .values(credential_kind=ANONYMISED, credential="", note=""),
    )


def anonymise_old_signups(session: Session, now: datetime, settings: RetentionSettings) -> int:
    ended = select(Activity.id).where(Activity.ends_at < _cutoff(now, settings))
    return _changed(
        session,
        update(Signup)
        .where(Signup.activity_id.in_(ended), Signup.credential_kind != ANONYMISED)
        .values(credential_kind=ANONYMISED, credential=cast(Signup.id, String)),
    )


def anonymise_old_attendances(session: Session, now: datetime, settings: RetentionSettings) -> int:
    return _changed(
        session,
        update(Attendance)
        .where(Attendance.at < _cutoff(now, settings), Attendance.credential_kind != ANONYMISED)
        .values(credential_kind=ANONYMISED, credential=cast(Attendance.id, String)),
    )


def anonymise_finished_service_requests(
    session: Session, now: datetime, settings: RetentionSettings
) -> int:
    return _changed(
        session,
        update(ServiceRequest)
        .where(
            ServiceRequest.changed_at < _cutoff(now, settings),
            ServiceRequest.status.in_(FINISHED_SERVICE),
            ServiceRequest.credential_kind != ANONYMISED,
        )
        .values(credential_kind=ANONYMISED, credential="", note="", staff_note=""),
    )


def forget_old_visitors(session: Session, now: datetime, settings: RetentionSettings) -> int:
    """Their cards leave the kiosks' roster with them (hub/reference.py)."""
    forgotten = _changed(
        session,
        update(Visitor)
        .where(
            Visitor.registered_at < now - timedelta(days=settings.visitor_days),
            Visitor.name != "",
        )
        .values(name="", phone_sealed="", phone_masked="", credential_kind=None, credential=None),
    )
    if forgotten:
        mark_changed(session, "roster")
    return forgotten


def delete_unused_quota_locks(
    session: Session, _now: datetime, _settings: RetentionSettings
) -> int:
    """After the bookings rule: a lock whose person has no identified booking left."""
    booked = (
        select(cast(1, Integer))
        .where(
            Booking.credential_kind == BookingHolder.credential_kind,
            Booking.credential == BookingHolder.credential,
        )
        .correlate(BookingHolder)
    )
    return _changed(session, delete(BookingHolder).where(~exists(booked)))


# In order: the quota locks go once the bookings rule has run.
DOMAIN_RULES = {
    "bookings": anonymise_old_bookings,
    "signups": anonymise_old_signups,
    "attendances": anonymise_old_attendances,
    "service_requests": anonymise_finished_service_requests,
    "visitors": forget_old_visitors,
    "booking_holders": delete_unused_quota_locks,
}
