"""What hubs call: push events, read change feeds, take and decide online bookings."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic_core import to_json

from central import bookings
from central.api import context_of, require_hub
from central.auth import HubIdentity
from central.bad_requests import StrictJsonRoute
from central.events import check_items, store_batch
from central.feeds import read_feed
from central.schemas import (
    BatchResult,
    DecisionIn,
    EventBatch,
    FeedName,
    FeedPage,
    ItemStatus,
    OnlineBookingOut,
    PendingBookings,
    Problem,
)
from config.crash_points import crash_point

log = logging.getLogger(__name__)

router = APIRouter(
    route_class=StrictJsonRoute,
    tags=["hub"],
    responses={
        401: {"model": Problem, "description": "missing or unknown bearer token"},
        422: {"model": Problem, "description": "a body, path or query value it cannot use"},
    },
)
Hub = Annotated[HubIdentity, Depends(require_hub)]
BookingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


async def _request_text(request: Request) -> bytes:
    """The request's body as sent (FastAPI has read it already; Starlette keeps it)."""
    return await request.body()


RequestText = Annotated[bytes, Depends(_request_text)]


@router.post("/events", response_model=BatchResult, responses={413: {"model": Problem}})
def push_events(batch: EventBatch, text: RequestText, hub: Hub, request: Request) -> Response:
    """Store a batch of records; one result per item, in order. Durable when answered.

    ``accepted``: stored now. ``duplicate``: this event id was stored before,
    nothing changed (a hub resending after a lost answer). ``rejected``: the
    item is malformed and was not stored; resending it will not help.
    """
    checked = check_items(text, batch.items)
    with context_of(request).sessions.begin() as session:
        results = store_batch(session, hub.id, checked)
    # Committed, not yet answered: the moment a crash test aims at.
    crash_point("central_after_commit")
    counts = {status: 0 for status in ItemStatus}
    for result in results:
        counts[result["status"]] += 1
    log.info(
        "batch of %d from %s: %d accepted, %d duplicate, %d rejected",
        len(results),
        hub.id,
        counts[ItemStatus.ACCEPTED],
        counts[ItemStatus.DUPLICATE],
        counts[ItemStatus.REJECTED],
        extra={"event": "central_batch_stored", "hub": hub.id},
    )
    # The answers are central's own, made to ``BatchResult``'s shape: written
    # straight to JSON, not built as a model per item and checked again.
    return Response(to_json({"results": results}), media_type="application/json")


@router.get("/feeds/{feed}")
def feed_changes(
    feed: FeedName,
    hub: Hub,
    request: Request,
    cursor: Annotated[str, Query(pattern=r"^[0-9]{1,15}$")] = "0",
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> FeedPage:
    """Entries of ``feed`` changed after ``cursor`` ("0": from the beginning)."""
    del hub
    with context_of(request).sessions() as session:
        return read_feed(session, feed, int(cursor), limit)


@router.get("/online-bookings/pending")
def pending_bookings(
    hub: Hub,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> PendingBookings:
    """Online bookings for this hub's stations that no hub has decided yet, oldest first."""
    with context_of(request).sessions() as session:
        return PendingBookings(items=bookings.pending(session, hub.stations, limit))


@router.post(
    "/online-bookings/{booking_id}/decision",
    responses={
        403: {"model": Problem, "description": "not this hub's station"},
        404: {"model": Problem, "description": "no such online booking"},
        409: {"model": Problem, "description": "already decided differently"},
    },
)
def post_decision(
    booking_id: BookingId, decision: DecisionIn, hub: Hub, request: Request
) -> OnlineBookingOut:
    """Record the hub's decision. Posting the same decision again answers as before."""
    with context_of(request).sessions.begin() as session:
        outcome = bookings.decide(session, booking_id, hub.id, hub.stations, decision)
    if isinstance(outcome, bookings.DecisionRefused):
        raise HTTPException(outcome.status, outcome.detail)
    log.info(
        "online booking %d decided by %s: %s/%s",
        booking_id,
        hub.id,
        decision.status,
        decision.code,
        extra={
            "event": "central_booking_decided",
            "hub": hub.id,
            "station": outcome.station,
            "request_id": decision.request_id,
            "code": decision.code,
        },
    )
    return outcome
