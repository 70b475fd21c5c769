"""Turn cached reference data and the request history into view values.

Pure reads: the reference cache (what the hub last published) and the
outbox history (what this kiosk sent and what the hub answered). Nothing
here decides or writes; the session calls these to fill its views.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.history import PastRequest
from kiosk.core.session_views import (
    ActivityRow,
    Mine,
    Named,
    Overview,
    RoomChoice,
    ServiceItem,
    Tracked,
    TrackedStatus,
)
from protocol.masking import mask_name
from protocol.messages import (
    BookingCreateRequest,
    MemberRegisterRequest,
    MessageType,
    ServiceRequestRequest,
    SignupCreateRequest,
    SignupWithdrawRequest,
    VisitorRegisterRequest,
)
from protocol.reference import (
    ActivitiesSnapshot,
    Activity,
    ConfigSnapshot,
    Room,
    RoomsSnapshot,
    RosterEntry,
    RosterSnapshot,
)

# A person arriving this long before an activity starts is probably here for it.
EARLY_ARRIVAL = timedelta(minutes=15)


class ReferenceSource(Protocol):
    """What the session reads from the reference cache (``ReferenceCache`` fits)."""

    def lookup(self, kind: str, value: str) -> RosterEntry | None: ...
    def roster(self) -> RosterSnapshot | None: ...
    def rooms(self) -> RoomsSnapshot | None: ...
    def activities(self) -> ActivitiesSnapshot | None: ...
    def config(self) -> ConfigSnapshot | None: ...


def station_name(reference: ReferenceSource) -> Named | None:
    snapshot = reference.config()
    if snapshot is None:
        return None
    return Named(snapshot.config.name_zh, snapshot.config.name_en)


def room_choices(reference: ReferenceSource, station: str) -> tuple[RoomChoice, ...] | None:
    """This station's rooms first, then rooms of other stations (nearby); None: no data."""
    snapshot = reference.rooms()
    if snapshot is None:
        return None
    rooms = [
        RoomChoice(
            id=room.id,
            name=Named(room.name_zh, room.name_en),
            station=room.station,
            capacity=room.capacity,
            here=room.station == station,
            station_name=Named(room.station_zh, room.station_en) if room.station_zh else None,
        )
        for room in snapshot.items
    ]
    return tuple(sorted(rooms, key=lambda room: (not room.here, room.station, room.id)))


def activity_rows(
    reference: ReferenceSource,
    now: datetime,
    mine: dict[str, Mine] | None = None,
    *,
    limit: int = 30,
) -> tuple[ActivityRow, ...] | None:
    """Activities not yet over, soonest first; None when none were ever received."""
    snapshot = reference.activities()
    if snapshot is None:
        return None
    room_snapshot = reference.rooms()
    rooms = {room.id: room for room in (room_snapshot.items if room_snapshot else [])}
    rows = [
        _row(activity, rooms, (mine or {}).get(activity.id, "none"))
        for activity in sorted(snapshot.items, key=lambda a: (a.starts_at, a.id))
        if activity.ends_at > now
    ]
    return tuple(rows[:limit])


def running_now(rows: Iterable[ActivityRow], now: datetime) -> tuple[ActivityRow, ...]:
    """Activities a person arriving ``now`` may be here for."""
    return tuple(row for row in rows if row.starts_at - EARLY_ARRIVAL <= now < row.ends_at)


def overview(reference: ReferenceSource, station: str, now: datetime) -> Overview:
    rows = activity_rows(reference, now)
    today = now.astimezone(PEOPLE_TZ).date()
    rooms = room_choices(reference, station)
    return Overview(
        station=station_name(reference),
        activities_today=tuple(
            row for row in rows or () if row.starts_at.astimezone(PEOPLE_TZ).date() == today
        ),
        rooms=tuple(room for room in rooms or () if room.here),
        has_activities=rows is not None,
        has_rooms=rooms is not None,
    )


def tracked_of(
    past: PastRequest,
    reference: ReferenceSource,
    services: Sequence[ServiceItem] | None,
) -> Tracked:
    """A stored request as the person sees it, with the name of what it is about."""
    request = past.request
    subject: Named | None = None
    subject_id = ""
    start = end = None
    if isinstance(request, BookingCreateRequest):
        subject_id, start, end = request.body.room_id, request.body.start, request.body.end
        subject = _room_name(reference, subject_id) or _id_as_name(subject_id)
    elif isinstance(request, SignupCreateRequest | SignupWithdrawRequest):
        subject_id = request.body.activity_id
        subject = _activity_name(reference, subject_id) or _id_as_name(subject_id)
    elif isinstance(request, ServiceRequestRequest):
        subject_id = request.body.service_id
        title = next((s.title for s in services or () if s.id == subject_id), None)
        subject = title or _id_as_name(subject_id)
    elif isinstance(request, VisitorRegisterRequest):
        masked = mask_name(request.body.name)  # the screen shows a name masked, as the roster's
        subject = Named(masked, masked)
    elif isinstance(request, MemberRegisterRequest):
        subject_id = request.body.organisation_id
        # Reference data has no organisations; the hub's acceptance names one.
        # Without it the screen words it generically: "org-st01" is no name.
        subject = _organisation_name(past)
    return Tracked(
        request_id=request.id,
        type=MessageType(request.type),
        status=_status(past.status),
        created_at=past.created_at,
        code=past.code,
        message=past.message,
        subject=subject,
        start=start,
        end=end,
        subject_id=subject_id,
    )


def signup_states(history: Iterable[Tracked]) -> dict[str, Mine]:
    """Per activity, what the newest sign-up or withdrawal of this person says."""
    states: dict[str, Mine] = {}
    for item in history:  # newest first: the first one per activity wins
        if item.subject_id in states:
            continue
        if item.type == MessageType.SIGNUP_CREATE:
            states[item.subject_id] = _signup_mine(item)
        elif item.type == MessageType.SIGNUP_WITHDRAW:
            states[item.subject_id] = _withdraw_mine(item)
    return states


def own_bookings(history: Iterable[Tracked], room_id: str) -> list[tuple[datetime, datetime]]:
    """This person's bookings of ``room_id`` that are pending or accepted."""
    return [
        (item.start, item.end)
        for item in history
        if item.type == MessageType.BOOKING_CREATE
        and item.subject_id == room_id
        and item.status in ("pending", "ok")
        and item.start is not None
        and item.end is not None
    ]


def activity_intervals(reference: ReferenceSource, room_id: str) -> list[tuple[datetime, datetime]]:
    snapshot = reference.activities()
    return [
        (activity.starts_at, activity.ends_at)
        for activity in (snapshot.items if snapshot else [])
        if activity.room_id == room_id
    ]


def _signup_mine(item: Tracked) -> Mine:
    if item.status == "pending":
        return "pending"
    if item.status != "ok":
        return "refused"
    return "waitlisted" if "wait" in item.code else "signed_up"


def _withdraw_mine(item: Tracked) -> Mine:
    if item.status == "pending":
        return "pending"
    return "withdrawn" if item.status == "ok" else "refused"


def _status(status: str | None) -> TrackedStatus:
    if status is None:
        return "pending"
    if status == "ok":
        return "ok"
    return "rejected" if status == "rejected" else "error"


def _row(activity: Activity, rooms: dict[str, Room], mine: Mine) -> ActivityRow:
    room = rooms.get(activity.room_id or "")
    return ActivityRow(
        id=activity.id,
        title=Named(activity.title_zh, activity.title_en),
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        room=Named(room.name_zh, room.name_en) if room is not None else None,
        capacity=activity.capacity,
        places_left=activity.places_left,
        mine=mine,
    )


def _id_as_name(subject_id: str) -> Named:
    """A room, activity or service gone from the reference data: its id is all there is."""
    return Named(subject_id, subject_id)


def _organisation_name(past: PastRequest) -> Named | None:
    """The organisation's name from the hub's reply (``organisation_zh``/``_en``), if any."""
    zh, en = past.result.get("organisation_zh"), past.result.get("organisation_en")
    if isinstance(zh, str) and isinstance(en, str) and zh and en:
        return Named(zh, en)
    return None


def _room_name(reference: ReferenceSource, room_id: str) -> Named | None:
    rooms = reference.rooms()
    for room in rooms.items if rooms else []:
        if room.id == room_id:
            return Named(room.name_zh, room.name_en)
    return None


def _activity_name(reference: ReferenceSource, activity_id: str) -> Named | None:
    activities = reference.activities()
    for activity in activities.items if activities else []:
        if activity.id == activity_id:
            return Named(activity.title_zh, activity.title_en)
    return None
