"""Demo data shaped like the centre: ten stations, its named rooms, a week of activities.

Loaded at hub start when ``demo_data = true``, only into an empty domain
(no stations yet), so a restart or a second worker never duplicates it.
Activities are placed relative to the load day so a demo is always live.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.domain.clock import local_day, local_midnight
from hub.domain.demo_catalogue import LUNCH_LESSONS, SERVICES, STATIONS
from hub.domain.models import Blackout, Room, RoomAccess, Station
from hub.domain.records import Activity, Organisation, ServiceItem

log = logging.getLogger(__name__)
CENTRE = "st01"


def load_demo(sessions: sessionmaker[Session], now: datetime) -> bool:
    """Load the demo centre if the domain is empty; True when this call loaded it."""
    try:
        with sessions.begin() as session:
            if session.scalar(select(func.count()).select_from(Station)):
                return False
            _load(session, now)
    except IntegrityError:
        # Another hub worker loaded it at the same moment; its copy stands.
        log.info("demo data loaded by another worker", extra={"event": "demo_data_raced"})
        return False
    log.info("demo data loaded", extra={"event": "demo_data_loaded"})
    return True


def _load(session: Session, now: datetime) -> None:
    for number, (tower_zh, tower_en) in enumerate(STATIONS, start=1):
        station_id = f"st{number:02d}"
        session.add(
            Station(
                id=station_id,
                name_zh=f"红领驿站·{tower_zh}站",
                name_en=f"Red Collar Station, {tower_en}",
                tower_zh=tower_zh,
                tower_en=tower_en,
                weekly_booking_quota=3,
            )
        )
        session.add(
            Organisation(
                id=f"org-{station_id}",
                station_id=station_id,
                name_zh=f"{tower_zh}楼宇联合党支部",
                name_en=f"{tower_en} joint Party branch",
            )
        )
    session.flush()
    _rooms(session, now)
    _activities(session, now)
    for index, (category_zh, category_en, title_zh, title_en, key) in enumerate(SERVICES, 1):
        session.add(
            ServiceItem(
                id=f"S-{index:03d}",
                category_zh=category_zh,
                category_en=category_en,
                title_zh=title_zh,
                title_en=title_en,
                key_project=key,
                active=True,
            )
        )


def _room(station: str, suffix: str, kind: str, names: tuple[str, str], **rules: int) -> Room:
    return Room(
        id=f"{station}-{suffix}",
        station_id=station,
        kind=kind,
        name_zh=names[0],
        name_en=names[1],
        active=True,
        **{
            "buffer_minutes": 0,
            "max_slots_per_booking": 4,
            "book_ahead_days": 14,
            "no_show_grace_minutes": 15,
            **rules,
        },
    )


def _rooms(session: Session, now: datetime) -> None:
    c = CENTRE
    session.add_all(
        [
            _room(
                c,
                "hall",
                "hall",
                ("党群议事厅", "Discussion hall"),
                capacity=30,
                open_minute=8 * 60,
                close_minute=21 * 60,
                slot_minutes=30,
                buffer_minutes=30,
                max_slots_per_booking=8,
            ),
            _room(
                c,
                "activity",
                "activity_area",
                ("活动区", "Activity area"),
                capacity=80,
                open_minute=8 * 60,
                close_minute=21 * 60,
                slot_minutes=60,
            ),
            _room(
                c,
                "read",
                "reading_booth",
                ("善美之声朗读亭", "Reading booth"),
                capacity=2,
                open_minute=8 * 60,
                close_minute=22 * 60,
                slot_minutes=30,
            ),
            _room(
                c,
                "office",
                "office",
                ("书记工作室", "Secretaries' office"),
                capacity=6,
                open_minute=9 * 60,
                close_minute=18 * 60,
                slot_minutes=60,
            ),
            _room(
                c,
                "cafe",
                "coffee_corner",
                ("咖啡角", "Coffee corner"),
                capacity=8,
                open_minute=7 * 60,
                close_minute=25 * 60,
                slot_minutes=30,
            ),
        ]
    )
    for number in range(2, len(STATIONS) + 1):
        station = f"st{number:02d}"
        session.add(
            _room(
                station,
                "meet",
                "hall",
                ("党群议事厅（小）", "Small discussion room"),
                capacity=12,
                open_minute=8 * 60,
                close_minute=21 * 60,
                slot_minutes=30,
                buffer_minutes=30,
            )
        )
        session.add(
            _room(
                station,
                "cafe",
                "coffee_corner",
                ("咖啡角", "Coffee corner"),
                capacity=6,
                open_minute=8 * 60,
                close_minute=20 * 60,
                slot_minutes=30,
            )
        )
    session.flush()
    # The centre's hall and activity area serve every tower.
    for number in range(2, len(STATIONS) + 1):
        for room in ("hall", "activity"):
            session.add(RoomAccess(room_id=f"{c}-{room}", station_id=f"st{number:02d}"))
    # The reading booth is serviced on the first of each of the next months.
    first = local_day(now).replace(day=1)
    for _ in range(3):
        first = (first + timedelta(days=32)).replace(day=1)
        session.add(
            Blackout(
                room_id=f"{c}-read",
                day=first,
                reason_zh="设备检修",
                reason_en="Equipment maintenance",
            )
        )


def _activities(session: Session, now: datetime) -> None:
    today = local_day(now)
    for offset, (title_zh, title_en) in enumerate(LUNCH_LESSONS):
        day = today + timedelta(days=offset)
        noon = local_midnight(day) + timedelta(hours=12)
        session.add(
            Activity(
                id=f"A-{day:%Y%m%d}-lunch",
                station_id=CENTRE,
                room_id=f"{CENTRE}-activity",
                place_zh="活动区",
                place_en="Activity area",
                kind="lunch_hour",
                title_zh=f"午间一小时：{title_zh}",
                title_en=f"Lunchtime hour: {title_en}",
                starts_at=noon,
                ends_at=noon + timedelta(hours=1),
                capacity=40,
            )
        )
    festival = local_midnight(today + timedelta(days=5))
    events = (
        ("opening", "楼宇友邻节开幕式", "Neighbours' festival opening", 10, 1, 300),
        ("market", "友邻集市", "Neighbours' market", 11, 4, 500),
        ("run", "楼宇健步走", "Tower walk", 15, 2, 120),
        ("concert", "邻里音乐会", "Neighbours' concert", 18, 2, 200),
    )
    for key, zh, en, hour, hours, capacity in events:
        start = festival + timedelta(hours=hour)
        session.add(
            Activity(
                id=f"A-{festival:%Y%m%d}-fest-{key}",
                station_id=CENTRE,
                room_id=None,
                place_zh="中心广场",
                place_en="Central plaza",
                kind="festival",
                title_zh=f"楼宇友邻节：{zh}",
                title_en=f"Neighbours' festival: {en}",
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                capacity=capacity,
            )
        )
