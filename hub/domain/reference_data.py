"""Snapshot builders for the domain's reference tables (rooms, activities, services, slots).

Registered with ``hub.reference.ReferencePublisher`` at hub start; each
builds one station's view inside the publisher's transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from config.settings import StationSettings
from hub.domain.availability import free_in
from hub.domain.models import Station
from hub.domain.records import Activity as ActivityRow
from hub.domain.records import ServiceItem
from hub.domain.room import rooms_bookable_from
from hub.domain.waitlist import places_left
from protocol.reference import (
    ActivitiesSnapshot,
    Activity,
    FreeSlot,
    Room,
    RoomsSnapshot,
    Service,
    ServicesSnapshot,
    SlotsSnapshot,
)

SLOT_DAYS = 3  # free slots published for today and the next days
ACTIVITY_DAYS = 30
ACTIVITY_LIMIT = 200


def build_rooms(
    session: Session, station: StationSettings, version: int, now: datetime
) -> RoomsSnapshot:
    names = {row.id: row for row in session.scalars(select(Station))}
    items = [
        Room(
            id=room.id,
            station=room.station_id,
            name_zh=room.name_zh,
            name_en=room.name_en,
            capacity=room.capacity,
            station_zh=names[room.station_id].name_zh if room.station_id in names else "",
            station_en=names[room.station_id].name_en if room.station_id in names else "",
        )
        for room in rooms_bookable_from(session, station.id)
    ]
    return RoomsSnapshot(
        v=1,
        type="reference",
        name="rooms",
        station=station.id,
        version=version,
        generated_at=now,
        items=items,
    )


def build_activities(
    session: Session, station: StationSettings, version: int, now: datetime
) -> ActivitiesSnapshot:
    """Upcoming activities at this station and centre-wide ones, with places left."""
    rows = session.scalars(
        select(ActivityRow)
        .where(
            ActivityRow.ends_at > now,
            ActivityRow.starts_at < now + timedelta(days=ACTIVITY_DAYS),
            or_(ActivityRow.station_id == station.id, ActivityRow.room_id.is_(None)),
        )
        .order_by(ActivityRow.starts_at, ActivityRow.id)
        .limit(ACTIVITY_LIMIT)
    ).all()
    items = [
        Activity(
            id=row.id,
            title_zh=row.title_zh,
            title_en=row.title_en,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            room_id=row.room_id,
            capacity=row.capacity,
            places_left=places_left(session, row),
        )
        for row in rows
    ]
    return ActivitiesSnapshot(
        v=1,
        type="reference",
        name="activities",
        station=station.id,
        version=version,
        generated_at=now,
        items=items,
    )


def build_services(
    session: Session, station: StationSettings, version: int, now: datetime
) -> ServicesSnapshot:
    rows = session.scalars(
        select(ServiceItem).where(ServiceItem.active.is_(True)).order_by(ServiceItem.id)
    ).all()
    items = [
        Service(
            id=row.id,
            category_zh=row.category_zh,
            category_en=row.category_en,
            title_zh=row.title_zh,
            title_en=row.title_en,
            key_project=row.key_project,
        )
        for row in rows
    ]
    return ServicesSnapshot(
        v=1,
        type="reference",
        name="services",
        station=station.id,
        version=version,
        generated_at=now,
        items=items,
    )


def build_slots(
    session: Session, station: StationSettings, version: int, now: datetime
) -> SlotsSnapshot:
    """One-slot free starts of every room this station may book, for ``SLOT_DAYS`` days."""
    items = [
        FreeSlot(room_id=room.id, start=start, end=end)
        for room in rooms_bookable_from(session, station.id)
        for start, end in free_in(session, room, now, 1, SLOT_DAYS)
        if start < now + timedelta(days=SLOT_DAYS)
    ]
    return SlotsSnapshot(
        v=1,
        type="reference",
        name="slots",
        station=station.id,
        version=version,
        generated_at=now,
        items=items,
    )
