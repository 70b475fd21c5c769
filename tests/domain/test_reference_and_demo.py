"""Demo data shaped like the centre, and the reference snapshots kiosks get from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.settings import StationSettings
from hub.db import make_engine, migrate, session_factory
from hub.domain.demo import load_demo
from hub.domain.models import Room, Station
from hub.domain.records import Activity, ServiceItem
from hub.domain.reference_data import build_activities, build_rooms, build_services, build_slots
from protocol.codec import decode_snapshot, encode
from protocol.reference import SlotsSnapshot
from tests.domain.harness import Domain

ST01 = StationSettings(id="st01", name_zh="金融大厦站", name_en="Finance Tower")
ST02 = StationSettings(id="st02", name_zh="国贸站", name_en="Trade Centre")


def _demo(tmp_path: Path) -> Domain:
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    migrate(engine)
    made = Domain(engine, session_factory(engine))
    assert load_demo(made.sessions, datetime.now(UTC)) is True
    assert load_demo(made.sessions, datetime.now(UTC)) is False  # never twice
    return made


def test_demo_centre_has_ten_stations_its_named_rooms_and_a_week(tmp_path: Path) -> None:
    domain = _demo(tmp_path)
    assert domain.count(Station) == 10
    names = {room.name_zh for room in domain.rows(Room, Room.station_id == "st01")}
    assert names == {"党群议事厅", "活动区", "善美之声朗读亭", "书记工作室", "咖啡角"}
    assert domain.count(Activity, Activity.kind == "lunch_hour") == 7
    assert domain.count(Activity, Activity.kind == "festival") >= 1
    assert domain.count(ServiceItem, ServiceItem.key_project.is_(True)) >= 5


def test_snapshots_validate_and_show_what_a_station_may_book(tmp_path: Path) -> None:
    domain = _demo(tmp_path)
    now = datetime.now(UTC)
    with domain.sessions() as session:
        rooms = build_rooms(session, ST02, 1, now)
        activities = build_activities(session, ST01, 1, now)
        services = build_services(session, ST01, 1, now)
        slots = build_slots(session, ST01, 1, now)
    for snapshot in (rooms, activities, services, slots):
        assert decode_snapshot(encode(snapshot)) == snapshot
    assert [room.id for room in rooms.items] == [
        "st02-cafe",
        "st02-meet",
        "st01-activity",
        "st01-hall",
    ]
    # A room another station shares carries that station's name for the kiosk to show.
    hall = next(room for room in rooms.items if room.id == "st01-hall")
    st01 = domain.rows(Station, Station.id == "st01")[0]
    assert (hall.station_zh, hall.station_en) == (st01.name_zh, st01.name_en) != ("", "")
    assert all(activity.places_left == activity.capacity for activity in activities.items)
    assert services.items[0].title_zh == "代缴物业费"
    assert isinstance(slots, SlotsSnapshot) and slots.items
    assert all(now <= slot.start < now + timedelta(days=3) for slot in slots.items)
