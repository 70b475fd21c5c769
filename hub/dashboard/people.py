"""People: find a person by masked name or card, see their visits and bookings, fix records.

A "person" is the roster's ``person_id`` with the credentials that map to
it. Correcting changes the masked name or member flag; merging moves one
person's credentials onto another (two cards of one person). Both edit
roster rows and republish the roster to kiosks. Central remains the
source of the roster: a later pull of the same person from central wins,
so a lasting fix belongs in central too (docs/dashboard.md says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from hub.dashboard.identity import short_credential
from hub.domain.changes import mark_changed
from hub.domain.models import Booking
from hub.domain.records import Signup
from hub.models import CheckIn, RosterEntry

MAX_RESULTS = 50
MAX_HISTORY = 50


@dataclass(frozen=True)
class PersonSummary:
    person_id: str
    masked_name: str
    member: bool
    cards: list[str]


@dataclass(frozen=True)
class PersonRecord:
    summary: PersonSummary
    visits_total: int
    visits: list[CheckIn]
    bookings: list[Booking]
    signups: list[Signup]


def search(session: Session, query: str) -> list[PersonSummary]:
    """People whose masked name contains ``query``, or who hold a card starting with it."""
    text = query.strip()
    if not text:
        return []
    pattern = f"%{_escape_like(text)}%"
    ids = session.scalars(
        select(RosterEntry.person_id)
        .where(
            or_(
                RosterEntry.masked_name.like(pattern, escape="\\"),
                func.upper(RosterEntry.credential).like(
                    f"{_escape_like(text.upper())}%", escape="\\"
                ),
                RosterEntry.person_id == text,
            )
        )
        .distinct()
        .order_by(RosterEntry.person_id)
        .limit(MAX_RESULTS)
    ).all()
    return [summary for person_id in ids if (summary := _summary(session, person_id))]


def person_record(session: Session, person_id: str) -> PersonRecord | None:
    summary = _summary(session, person_id)
    if summary is None:
        return None
    keys = _credentials(session, person_id)
    of_person = tuple_(CheckIn.credential_kind, CheckIn.credential).in_(keys)
    total = int(session.scalar(select(func.count()).select_from(CheckIn).where(of_person)) or 0)
    visits = list(
        session.scalars(
            select(CheckIn).where(of_person).order_by(CheckIn.received_at.desc()).limit(MAX_HISTORY)
        )
    )
    bookings = list(
        session.scalars(
            select(Booking)
            .where(tuple_(Booking.credential_kind, Booking.credential).in_(keys))
            .order_by(Booking.starts_at.desc())
            .limit(MAX_HISTORY)
        )
    )
    signups = list(
        session.scalars(
            select(Signup)
            .where(tuple_(Signup.credential_kind, Signup.credential).in_(keys))
            .order_by(Signup.created_at.desc())
            .limit(MAX_HISTORY)
        )
    )
    return PersonRecord(summary, total, visits, bookings, signups)


def correct(
    session: Session, person_id: str, masked_name: str, member: bool, now: datetime
) -> str | None:
    """Fix a person's masked name and member flag; returns why not, or None when done."""
    name = masked_name.strip()
    if not name or len(name) > 20:
        return "name_length"
    if "*" not in name and len(name) > 1:
        return "name_not_masked"  # the hub never holds a clear name
    if _summary(session, person_id) is None:
        return "unknown_person"
    session.execute(
        update(RosterEntry)
        .where(RosterEntry.person_id == person_id)
        .values(masked_name=name, member=member, updated_at=now)
    )
    mark_changed(session, "roster")
    return None


def merge(session: Session, keep: str, absorb: str, now: datetime) -> str | None:
    """Move ``absorb``'s credentials onto ``keep``; returns why not, or None when done."""
    if keep == absorb:
        return "same_person"
    if _summary(session, keep) is None or _summary(session, absorb) is None:
        return "unknown_person"
    session.execute(
        update(RosterEntry)
        .where(RosterEntry.person_id == absorb)
        .values(person_id=keep, updated_at=now)
    )
    mark_changed(session, "roster")
    return None


def _credentials(session: Session, person_id: str) -> list[tuple[str, str]]:
    rows = session.execute(
        select(RosterEntry.credential_kind, RosterEntry.credential).where(
            RosterEntry.person_id == person_id
        )
    )
    return [(kind, credential) for kind, credential in rows]


def _summary(session: Session, person_id: str) -> PersonSummary | None:
    rows = session.scalars(
        select(RosterEntry)
        .where(RosterEntry.person_id == person_id)
        .order_by(RosterEntry.credential_kind)
    ).all()
    if not rows:
        return None
    return PersonSummary(
        person_id=person_id,
        masked_name=rows[0].masked_name,
        member=any(row.member for row in rows),
        cards=[short_credential(row.credential_kind, row.credential) for row in rows],
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
