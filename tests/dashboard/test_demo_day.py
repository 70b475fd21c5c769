"""The screenshots' demo hub: a filled "today" whatever the hour the tool runs."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from config.metrics import Metrics
from hub.dashboard.demo_data import build_demo
from hub.dashboard.screenshots import DEMO_TIME, demo_moment
from hub.dashboard.today import activities_of_day, check_ins_of_day
from hub.db import make_engine, migrate, session_factory
from hub.domain.clock import PEOPLE_TZ, local_day
from hub.kiosk_health import KioskHealthBoard

# 05:10 in the centre: before any visit of the day, as the old screenshots were taken.
DAWN = datetime(2026, 12, 6, 21, 10, tzinfo=UTC)


def test_the_demo_moment_is_the_afternoon_of_the_runs_local_day() -> None:
    moment = demo_moment(DAWN).astimezone(PEOPLE_TZ)
    assert moment.date() == local_day(DAWN)  # 2026-12-07 in the centre
    assert moment.time() == DEMO_TIME == time(16, 30)


def test_a_demo_made_at_dawn_shows_a_day_of_visits_and_its_lesson(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    sessions = session_factory(engine)
    now = demo_moment(DAWN)
    build_demo(sessions, KioskHealthBoard(Metrics()), now)
    day = local_day(now)
    with sessions() as session:
        visits = check_ins_of_day(session, day)
        activities = activities_of_day(session, day, now)
    hours = [
        hour for counts in visits.by_station_hour.values() for hour, n in enumerate(counts) if n
    ]
    assert min(hours) <= 9 and max(hours) >= 14, hours  # the morning and the afternoon
    assert all(hour < 17 for hour in hours), "a visit after the demo's 16:30"
    (lesson,) = [a for a in activities if a.id.endswith("-lunch")]
    assert (lesson.signed_up, lesson.attended) == (32, 27)
