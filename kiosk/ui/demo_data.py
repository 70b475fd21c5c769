"""Made-up station data for screenshots and the benchmark (no hub needed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.session_views import Named, ServiceItem
from protocol.codec import encode
from protocol.messages import Credential, CredentialKind
from protocol.reference import (
    ActivitiesSnapshot,
    Activity,
    ConfigSnapshot,
    Room,
    RoomsSnapshot,
    RosterEntry,
    RosterSnapshot,
    StationConfig,
)

STATION = "st01"
KNOWN_CARD = "3C00CE754C"
MEMBER_CARD = "0A1B2C3D4E"
UNKNOWN_CARD = "FFFF00FFFF"
VERSION = 1_000_000  # above anything a test hub publishes, so the demo data stays

SERVICES = (
    ServiceItem(
        "S-017", Named("生活缴费", "Bills and fees"), Named("代缴物业费", "Pay property fees")
    ),
    ServiceItem(
        "S-018", Named("生活缴费", "Bills and fees"), Named("代缴水电费", "Pay water and power")
    ),
    ServiceItem(
        "S-021", Named("证明材料", "Certificates"), Named("开具党员证明", "Party member letter")
    ),
    ServiceItem(
        "S-022", Named("证明材料", "Certificates"), Named("组织关系转接", "Transfer membership")
    ),
    ServiceItem("S-030", Named("便民服务", "Everyday help"), Named("代取快递", "Collect a parcel")),
)


def card(value: str) -> Credential:
    return Credential(kind=CredentialKind.RFID_EM4100, value=value)


def reference_payloads(now: datetime, *, running: bool = False) -> list[bytes]:
    """Roster, rooms, activities and config for station st01, around ``now``."""
    common = {
        "v": 1,
        "type": "reference",
        "station": STATION,
        "version": VERSION,
        "generated_at": now,
    }
    local = now.astimezone(PEOPLE_TZ)
    tomorrow = (local + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    # The lesson is placed around the moment of the shot, so its title names no time of day.
    lesson = local - timedelta(minutes=10) if running else local + timedelta(hours=2)
    roster = RosterSnapshot(
        name="roster",
        items=[
            RosterEntry(credential=card(KNOWN_CARD), person_id="P-0001", masked_name="张*明"),
            RosterEntry(
                credential=card(MEMBER_CARD), person_id="P-0002", masked_name="欧**娜", member=True
            ),
        ],
        **common,
    )
    rooms = RoomsSnapshot(
        name="rooms",
        items=[
            Room(
                id="st01-hall",
                station=STATION,
                name_zh="党群议事厅",
                name_en="Discussion hall",
                capacity=30,
            ),
            Room(
                id="st01-area",
                station=STATION,
                name_zh="活动区",
                name_en="Activity area",
                capacity=40,
            ),
            Room(
                id="st01-read",
                station=STATION,
                name_zh="善美之声朗读亭",
                name_en="Reading booth",
                capacity=2,
            ),
            Room(
                id="st02-office",
                station="st02",
                name_zh="书记工作室",
                name_en="Secretaries' office",
                capacity=8,
                station_zh="红领驿站·国贸站",
                station_en="Red Collar Station, Trade Centre",
            ),
            Room(
                id="st02-cafe",
                station="st02",
                name_zh="咖啡角",
                name_en="Coffee corner",
                capacity=12,
                station_zh="红领驿站·国贸站",
                station_en="Red Collar Station, Trade Centre",
            ),
        ],
        **common,
    )
    activities = ActivitiesSnapshot(
        name="activities",
        items=[
            Activity(
                id="A-lesson",
                title_zh="党史微课（一小时）",
                title_en="Party history: a one-hour lesson",
                starts_at=lesson,
                ends_at=lesson + timedelta(hours=1),
                room_id="st01-area",
                capacity=40,
                places_left=12,
            ),
            Activity(
                id="A-talk",
                title_zh="楼宇议事会",
                title_en="Building council",
                starts_at=tomorrow,
                ends_at=tomorrow + timedelta(hours=2),
                room_id="st01-hall",
                capacity=30,
                places_left=0,
            ),
            Activity(
                id="A-school",
                title_zh="周末党校：新时代基层治理",
                title_en="Weekend Party school: local governance",
                starts_at=tomorrow + timedelta(days=2),
                ends_at=tomorrow + timedelta(days=2, hours=3),
                room_id="st01-area",
                capacity=60,
                places_left=25,
            ),
            Activity(
                id="A-fest",
                title_zh="楼宇友邻节",
                title_en="Neighbours' festival",
                starts_at=tomorrow + timedelta(days=4),
                ends_at=tomorrow + timedelta(days=4, hours=4),
                room_id=None,
                capacity=500,
                places_left=0,
            ),
        ],
        **common,
    )
    config = ConfigSnapshot(
        name="config",
        config=StationConfig(
            name_zh="红领驿站·金融大厦站",
            name_en="Red Collar Station, Finance Tower",
            idle_timeout_s=30,
        ),
        **common,
    )
    return [encode(roster), encode(rooms), encode(activities), encode(config)]
