"""Admin endpoints (own token): fill the roster and reference feeds, queue online bookings.

Used by staff tooling, the demo and the tests; hubs never hold this token.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from sqlalchemy import func, select

from central import bookings
from central.api import context_of, require_admin
from central.bad_requests import StrictJsonRoute
from central.feeds import delete_item, put_item, roster_data, roster_key
from central.models import Event
from central.schemas import (
    ChangeOut,
    EventSummary,
    FeedName,
    OnlineBookingIn,
    OnlineBookingOut,
    Problem,
    ReferenceFeed,
    ReferenceIn,
    RosterIn,
)
from protocol.messages import CredentialKind

log = logging.getLogger(__name__)

router = APIRouter(
    route_class=StrictJsonRoute,
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={
        401: {"model": Problem, "description": "missing or wrong admin token"},
        422: {"model": Problem, "description": "a body, path or query value it cannot use"},
    },
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem}}
EntryKey = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:+=-]+$")]


@router.put("/roster")
def put_roster_entry(entry: RosterIn, request: Request) -> ChangeOut:
    """Add or replace a person's roster entry; hubs see it on their next pull."""
    key = roster_key(entry.credential.kind.value, entry.credential.value)
    with context_of(request).sessions.begin() as session:
        change = put_item(session, FeedName.ROSTER, key, roster_data(entry))
    log.info("roster entry %s changed", entry.person_id, extra={"event": "central_roster_put"})
    return change


@router.delete("/roster/{kind}/{value}", responses=NOT_FOUND)
def delete_roster_entry(
    kind: CredentialKind,
    value: Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+=_.:-]+$")],
    request: Request,
) -> ChangeOut:
    """Remove a credential from the roster (hubs receive a tombstone)."""
    with context_of(request).sessions.begin() as session:
        change = delete_item(session, FeedName.ROSTER, roster_key(kind.value, value))
    if change is None:
        raise HTTPException(404, "no such roster entry")
    return change


@router.put("/feeds/{feed}/{key}")
def put_reference_entry(
    feed: ReferenceFeed, key: EntryKey, entry: ReferenceIn, request: Request
) -> ChangeOut:
    """Add or replace a room, activity or catalogue entry under ``key``."""
    with context_of(request).sessions.begin() as session:
        return put_item(session, FeedName(feed.value), key, entry.data)


@router.delete("/feeds/{feed}/{key}", responses=NOT_FOUND)
def delete_reference_entry(feed: ReferenceFeed, key: EntryKey, request: Request) -> ChangeOut:
    with context_of(request).sessions.begin() as session:
        change = delete_item(session, FeedName(feed.value), key)
    if change is None:
        raise HTTPException(404, f"no {feed.value} entry {key!r}")
    return change


@router.post("/online-bookings", status_code=201)
def create_online_booking(booking: OnlineBookingIn, request: Request) -> OnlineBookingOut:
    """Queue a booking made online; the hub of its station decides it."""
    with context_of(request).sessions.begin() as session:
        created = bookings.create(session, booking)
    log.info(
        "online booking %d queued for %s",
        created.id,
        created.station,
        extra={"event": "central_booking_queued", "station": created.station},
    )
    return created


@router.get("/online-bookings/{booking_id}", responses=NOT_FOUND)
def get_online_booking(
    booking_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> OnlineBookingOut:
    with context_of(request).sessions() as session:
        found = bookings.get(session, booking_id)
    if found is None:
        raise HTTPException(404, f"no online booking {booking_id}")
    return found


@router.get("/events/summary")
def event_summary(request: Request) -> EventSummary:
    """How many records central holds, by kind (what the demo prints as central_stored)."""
    with context_of(request).sessions() as session:
        rows = session.execute(select(Event.kind, func.count()).group_by(Event.kind)).all()
    by_kind = {kind: int(count) for kind, count in rows}
    return EventSummary(total=sum(by_kind.values()), by_kind=by_kind)
