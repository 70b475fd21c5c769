"""Staff cancel a booking in the browser; the kiosk's cached free slots get the slot back."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, time, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from hub.domain.clock import PEOPLE_TZ, local_day
from protocol.ids import new_request_id
from protocol.topics import request_topic
from tests.dashboard.conftest import log_in
from tests.dashboard.hubproc import DashboardHub
from tests.system.stack import Stack
from tests.waiting import wait_until

ROOM = "st01-hall"


def cached_free_starts(reference_db: Path) -> set[str] | None:
    """The free slot starts of ROOM in the kiosk's on-disk slots snapshot (None: none yet)."""
    if not reference_db.exists():
        return None
    try:
        with sqlite3.connect(reference_db) as db:
            row = db.execute("SELECT payload FROM snapshots WHERE name = 'slots'").fetchone()
    except sqlite3.OperationalError:  # the kiosk made the file but not yet its table
        return None
    if row is None:
        return None
    items = json.loads(bytes(row[0]))["items"]
    return {datetime.fromisoformat(i["start"]).isoformat() for i in items if i["room_id"] == ROOM}


def booking_request(start: datetime) -> tuple[str, bytes]:
    """A booking_create as another kiosk of the station (k9) would send it."""
    now = datetime.now(PEOPLE_TZ).isoformat()
    payload = {
        "v": 1,
        "id": new_request_id(),
        "type": "booking_create",
        "station": "st01",
        "kiosk": "k9",
        "kiosk_time": now,
        "seq": 1,
        "body": {
            "credential": {"kind": "rfid_em4100", "value": "3C00CE754C"},
            "room_id": ROOM,
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=30)).isoformat(),
            "note": "党小组会",
        },
    }
    return request_topic("st01", "k9", "booking_create"), json.dumps(payload).encode()


def test_cancelling_a_booking_frees_the_slot_on_the_kiosk(
    hub: DashboardHub, stack: Stack, browser: BrowserContext
) -> None:
    kiosk = stack.kiosk("k1", station="st01").start()
    cache = kiosk.directory / "data" / "reference.db"
    tomorrow = local_day(datetime.now(PEOPLE_TZ)) + timedelta(days=1)
    start = datetime.combine(tomorrow, time(10, 0), tzinfo=PEOPLE_TZ)
    wanted = start.isoformat()
    wait_until(lambda: wanted in (cached_free_starts(cache) or set()), 30, "slot free on kiosk")

    probe = stack.probe()
    probe.publish(*booking_request(start))
    wait_until(lambda: wanted not in (cached_free_starts(cache) or {wanted}), 30, "slot taken")

    page = browser.new_page()
    log_in(page, hub.url)
    page.goto(f"{hub.url}/rooms?view=day&station=st01&day={tomorrow.isoformat()}")
    booking = page.locator(".booking.status-confirmed").filter(has_text="10:00–10:30")
    expect(booking).to_have_count(1)
    booking.get_by_role("button", name="取消预约").click()
    expect(page.locator(".flash")).to_contain_text("预约已取消")
    expect(page.locator(".booking.status-cancelled")).to_have_count(1)

    wait_until(lambda: wanted in (cached_free_starts(cache) or set()), 30, "slot free again")
    page.goto(f"{hub.url}/staff")
    expect(page.locator("#audit")).to_contain_text("booking_cancel")
