"""``lianxin dashboard-screenshots DIR``: every page, in Chinese and English, laptop and tablet.

Starts the dashboard in this process on a temporary SQLite hub filled by
``hub.dashboard.demo_data``, signs in with headless Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright) and saves one PNG per page,
language and width, named ``{page}-{lang}-{width}.png``.

The demo hub lives at 16:30 (Asia/Shanghai) on the day the tool runs, its
data made up to then and the dashboard's clock stopped there: the pages
show a day with its morning and afternoon, whatever the hour of the run
(taken at dawn, "today" was an empty chart).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import event

from config.metrics import Metrics
from config.settings import HubSettings
from hub.dashboard.accounts import create_account
from hub.dashboard.demo_data import STATIONS, build_demo
from hub.dashboard.models import Role
from hub.dashboard.server import DashboardContext, DashboardServer
from hub.db import make_engine, migrate, session_factory
from hub.domain.clock import PEOPLE_TZ, local_day
from hub.domain.reference_data import build_activities, build_rooms, build_services, build_slots
from hub.kiosk_health import KioskHealthBoard
from hub.reference import ReferencePublisher

log = logging.getLogger(__name__)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER, PASSWORD = "demo-admin", "screenshots only"
WIDTHS = (1366, 1024)
DEMO_TIME = time(16, 30)  # local: the day's check-ins so far fill the morning and afternoon


def demo_moment(today: datetime) -> datetime:
    """The demo hub's fixed time: ``DEMO_TIME`` on ``today``'s local day, in UTC."""
    return datetime.combine(local_day(today), DEMO_TIME, tzinfo=PEOPLE_TZ).astimezone(UTC)


def pages(now: datetime) -> list[tuple[str, str]]:
    tomorrow = local_day(now) + timedelta(days=1)
    return [
        ("fleet", "/fleet"),
        ("today", "/today"),
        ("rooms", "/rooms?view=week&station=st01"),
        ("rooms-day", f"/rooms?view=day&day={tomorrow.isoformat()}"),
        ("services", "/services?show=all"),
        ("registrations", "/registrations"),
        ("reports", "/reports"),
        ("people", "/people?q=王"),
        ("person", "/people/P-0003"),
        ("staff", "/staff"),
        ("account", "/account"),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lianxin dashboard-screenshots")
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    out: Path = args.directory
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lianxin-dashboard-") as scratch:
        server, now = _start(Path(scratch))
        try:
            saved = _shoot(f"http://127.0.0.1:{server.port}", out, now)
        finally:
            server.stop()
    print(f"saved {saved} screenshots in {out}")
    return 0


def _start(base: Path) -> tuple[DashboardServer, datetime]:
    settings = HubSettings.model_validate(
        {
            "database_url": "sqlite:///hub.db",
            "stations": [
                {"id": s, "name_zh": f"驿站{s[2:]}", "name_en": f"Station {s[2:]}"}
                for s in STATIONS
            ],
            "dashboard": {"port": 0},
        }
    )
    assert settings.dashboard is not None
    engine = make_engine(settings.database_url, base_dir=base)
    # A throwaway database: no need to wait for the disk on every commit.
    event.listen(engine, "connect", _no_fsync)
    migrate(engine)
    sessions = session_factory(engine)
    metrics = Metrics()
    health = KioskHealthBoard(metrics)
    publisher = ReferencePublisher(settings.stations, sessions, lambda _topic, _payload: None)
    for name, builder in (
        ("rooms", build_rooms),
        ("activities", build_activities),
        ("services", build_services),
        ("slots", build_slots),
    ):
        publisher.register(name, builder)
    now = demo_moment(datetime.now(UTC))
    build_demo(sessions, health, now)
    with sessions.begin() as session:
        made = create_account(session, USER, PASSWORD, Role.ADMIN, now)
        assert not isinstance(made, str), made
    context = DashboardContext(
        settings, settings.dashboard, sessions, health, metrics, publisher, base, lambda: now
    )
    server = DashboardServer(context)
    server.start()
    if not server.wait_started():
        raise RuntimeError("dashboard did not start")
    return server, now


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def _shoot(base_url: str, out: Path, now: datetime) -> int:
    saved = 0
    with (
        tempfile.TemporaryDirectory(prefix="lianxin-chromium-") as profile,
        sync_playwright() as pw,
    ):
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = context.new_page()
            for lang in ("zh_CN", "en"):
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 768})
                    context.clear_cookies()
                    page.goto(f"{base_url}/lang/{lang}")
                    _save(page, out / f"login-{lang}-{width}.png")
                    page.fill("input[name=username]", USER)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base_url}/fleet")
                    saved += 1
                    for name, path in pages(now):
                        page.goto(base_url + path)
                        _save(page, out / f"{name}-{lang}-{width}.png")
                        saved += 1
        finally:
            context.close()
    return saved


def _save(page: Page, path: Path) -> None:
    page.wait_for_load_state("load")
    charts = page.locator("canvas[data-chart]")
    for index in range(charts.count()):
        charts.nth(index).wait_for(state="attached")
    if charts.count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn)"
        )
    page.screenshot(path=str(path), full_page=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
