"""A scan at a kiosk: the visit itself, and what it means for bookings and activities.

A check-in with purpose ``activity`` records attendance at that activity
(once per person). Any check-in by someone whose booking at this station
starts soon or is under way marks that booking as used, so it is not
released as a no-show: the person need not choose "my booking" on screen.

Check-ins are the bulk of the hub's work (a festival day, a kiosk's
backlog after a week offline), so ``record_check_ins`` takes many at once:
one query for the visit counts, one for the bookings due, one
multi-row insert, whatever the number of check-ins. ``record_check_in``
is the same code for one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import String, Table, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.domain.clock import PEOPLE_TZ
from hub.domain.models import Booking, BookingStatus, Room
from hub.domain.outcome import Code, Outcome, ok
from hub.domain.records import Activity, Attendance, Signup, SignupStatus
from hub.fast_sql import FastStatement
from hub.models import CheckIn
from protocol.messages import CheckInRequest
from protocol.replies import JsonScalar

EARLY_CHECK_IN = timedelta(minutes=15)
# Credentials per lookup query: well under SQLite's bound-parameter limit.
_LOOKUP_CHUNK = 400
_CHECK_INS = cast(Table, CheckIn.__table__)
_BOOKINGS = cast(Table, Booking.__table__)
_ROOMS = cast(Table, Room.__table__)
# Multi-row INSERTs for a batch. The ids come back keyed by request id: asking
# for them in row order instead makes SQLite insert one row per statement.
_INSERT_CHECK_INS = FastStatement(
    insert(_CHECK_INS).returning(_CHECK_INS.c.request_id, _CHECK_INS.c.id)
)
# The per-batch lookups are built once, as Core statements compiled once and
# run on SQLite's cursor (hub/fast_sql.py): building a statement, coercing
# its IN list, keying SQLAlchemy's compiled cache and the ORM's result
# handling cost more CPU than running it (half of a one-swipe batch, which
# is what a swipe waits for). The ORM loads only the (rare) booking a
# check-in marks as used.
_VISITS = FastStatement(
    select(_CHECK_INS.c.credential, func.count())
    .where(
        _CHECK_INS.c.credential_kind == bindparam("kind"),
        _CHECK_INS.c.credential.in_(bindparam("credentials", expanding=True)),
        _CHECK_INS.c.received_at >= bindparam("since"),
    )
    .group_by(_CHECK_INS.c.credential)
)
# The same counts on PostgreSQL, one index seek per person whatever the
# planner knows. Given ``credential = ANY(list)``, a planner without
# statistics yet (a new database, until autovacuum first analyses it) read
# every check-in of the credential kind this year and tested each against
# the list: a batch's lookup grew by ~3 ms for every 500 check-ins stored,
# 130 ms at 20,000 (docs/performance-rounds.md, twenty-fourth round). Counted per
# person from the list, the seek on (kind, credential, received_at) is the
# only plan there is. A person without a visit comes back with 0.
_WANTED = (
    func.unnest(bindparam("credentials", type_=postgresql.ARRAY(String)))
    .table_valued("credential")
    .render_derived(name="wanted")
)
_VISITS_ON_POSTGRESQL = FastStatement(
    select(
        _WANTED.c.credential,
        select(func.count())
        .where(
            _CHECK_INS.c.credential_kind == bindparam("kind"),
            _CHECK_INS.c.credential == _WANTED.c.credential,
            _CHECK_INS.c.received_at >= bindparam("since"),
        )
        .scalar_subquery(),
    )
)
# Every booking due at any station, not those of the batch's people: the
# no-show release keeps confirmed bookings that have started to the ones in
# their grace time, so this is a few rows per room (a range on the status
# index), whatever the size of the batch; an IN list of its people cost more.
_DUE = FastStatement(
    select(_BOOKINGS.c.id, _BOOKINGS.c.credential_kind, _BOOKINGS.c.credential, _ROOMS.c.station_id)
    .join(_ROOMS, _ROOMS.c.id == _BOOKINGS.c.room_id)
    .where(
        _BOOKINGS.c.status == BookingStatus.CONFIRMED.value,
        _BOOKINGS.c.starts_at <= bindparam("until"),
        _BOOKINGS.c.ends_at > bindparam("now"),
    )
    .order_by(_BOOKINGS.c.starts_at, _BOOKINGS.c.id)
)

Person = tuple[str, str]  # (credential kind, credential)
PersonAt = tuple[str, str, str]  # (credential kind, credential, station)


def record_check_in(session: Session, request: CheckInRequest, now: datetime) -> Outcome:
    """Record one check-in (see ``record_check_ins``)."""
    return record_check_ins(session, [request], now)[0]


def record_check_ins(
    session: Session, requests: Sequence[CheckInRequest], now: datetime
) -> list[Outcome]:
    """Record check-ins received together, with the results one by one would give.

    Visit counts are this year's stored check-ins plus those earlier in
    ``requests``; a booking due is used by the first of its person's
    check-ins at its station. The inbox claims of ``requests`` must already
    be in the session's transaction (a check-in refers to its request).
    """
    people = [_person(request) for request in requests]
    visits = _visits_this_year(session, set(people), now)
    places = {(*person, request.station) for person, request in zip(people, requests, strict=True)}
    due = _due_bookings(session, places, now)
    rows = [
        {
            "request_id": request.id,
            "station": request.station,
            "kiosk": request.kiosk,
            "credential_kind": person[0],
            "credential": person[1],
            "purpose": request.body.purpose,
            "activity_id": request.body.activity_id,
            "read_at": request.body.read_at,
            "received_at": now,
        }
        for person, request in zip(people, requests, strict=True)
    ]
    inserted = _INSERT_CHECK_INS.insert_returning(session, rows)
    ids: dict[str, int] = {request_id: check_in_id for request_id, check_in_id in inserted}
    outcomes = []
    for person, request in zip(people, requests, strict=True):
        check_in_id = ids[request.id]
        visits[person] = visits.get(person, 0) + 1
        result: dict[str, JsonScalar] = {
            "check_in_id": check_in_id,
            "visits_this_year": visits[person],
        }
        activity_id = request.body.activity_id
        if request.body.purpose == "activity" and activity_id is not None:
            result["attendance"] = _attend(session, check_in_id, person, activity_id, now)
        waiting = due.get((*person, request.station))
        if waiting:
            result["booking_id"] = _use(waiting.pop(0), now)
        outcomes.append(ok(Code.CHECKED_IN, result))
    return outcomes


def _person(request: CheckInRequest) -> Person:
    return (request.body.credential.kind.value, request.body.credential.value)


def _visits_this_year(session: Session, people: set[Person], now: datetime) -> dict[Person, int]:
    """Check-ins stored since 1 January (people's time zone), per person; absent means none."""
    year_start = datetime(now.astimezone(PEOPLE_TZ).year, 1, 1, tzinfo=PEOPLE_TZ).astimezone(UTC)
    counts: dict[Person, int] = {}
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    visits = _VISITS_ON_POSTGRESQL if on_postgresql else _VISITS
    for kind, credentials in _lookups(people):
        found = visits.rows(
            session, {"kind": kind, "credentials": credentials, "since": year_start}
        )
        for credential, count in found:
            if count:  # PostgreSQL's count names everyone asked for
                counts[(kind, credential)] = count
    return counts


def _due_bookings(
    session: Session, wanted: set[PersonAt], now: datetime
) -> dict[PersonAt, list[Booking]]:
    """Confirmed bookings starting soon or under way, per person and station, earliest first."""
    due: dict[PersonAt, list[Booking]] = {}
    found = _DUE.rows(session, {"until": now + EARLY_CHECK_IN, "now": now})
    for booking_id, kind, credential, station in found:
        key = (kind, credential, station)
        if key not in wanted:
            continue
        # Loaded, and on PostgreSQL locked, only when its person checks in: seldom.
        booking = session.get(Booking, booking_id, with_for_update=True)
        if booking is not None and booking.status == BookingStatus.CONFIRMED.value:
            due.setdefault(key, []).append(booking)
    return due


def _lookups(people: set[Person]) -> Iterator[tuple[str, list[str]]]:
    """(kind, credentials) chunks for ``IN`` queries on a person index.

    The indexes on people lead with the credential kind: a query that names
    the kind seeks straight to each person; one on the credential alone
    scans the whole index (every check-in ever stored, per batch).
    """
    by_kind: dict[str, list[str]] = {}
    for kind, credential in people:
        by_kind.setdefault(kind, []).append(credential)
    for kind, credentials in sorted(by_kind.items()):
        credentials.sort()
        for start in range(0, len(credentials), _LOOKUP_CHUNK):
            yield kind, credentials[start : start + _LOOKUP_CHUNK]


def _use(booking: Booking, now: datetime) -> str:
    """Mark ``booking`` as used (checked in); its public id for the reply."""
    booking.status = BookingStatus.CHECKED_IN.value
    booking.checked_in_at = now
    booking.changed_at = now
    return booking.public_id


def _attend(
    session: Session, check_in_id: int, person: Person, activity_id: str, now: datetime
) -> str:
    """Record attendance once; says whether the person had a seat, walked in, or was known."""
    if session.get(Activity, activity_id) is None:
        return "unknown_activity"
    kind, credential = person
    signed_up = (
        session.scalars(
            select(Signup.id).where(
                Signup.activity_id == activity_id,
                Signup.credential_kind == kind,
                Signup.credential == credential,
                Signup.status == SignupStatus.CONFIRMED.value,
            )
        ).first()
        is not None
    )
    try:
        with session.begin_nested():
            session.add(
                Attendance(
                    activity_id=activity_id,
                    check_in_id=check_in_id,
                    credential_kind=kind,
                    credential=credential,
                    signed_up=signed_up,
                    at=now,
                )
            )
    except IntegrityError:
        return "already_recorded"
    return "signed_up" if signed_up else "walk_in"
