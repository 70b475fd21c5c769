"""The fleet page turns a killed kiosk offline (its last will) and raises an alert in time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import BrowserContext, expect

from protocol.codec import encode
from protocol.replies import KioskStatus
from protocol.topics import kiosk_status_topic
from tests.dashboard.conftest import log_in
from tests.dashboard.hubproc import OFFLINE_AFTER_S, DashboardHub
from tests.system.stack import Stack

# The live table refreshes every 5 s; the alert needs OFFLINE_AFTER_S of silence first.
DEADLINE_MS = (OFFLINE_AFTER_S + 15) * 1000


def test_killed_kiosk_turns_offline_and_raises_an_alert(
    hub: DashboardHub, stack: Stack, browser: BrowserContext
) -> None:
    kiosk = stack.kiosk("k1", station="st01").start()
    page = browser.new_page()
    log_in(page, hub.url)
    expect(page).to_have_url(re.compile(r"/fleet$"))
    row = page.locator('tr[data-kiosk="st01/k1"]')
    expect(row.locator(".state")).to_have_text("在线", timeout=30_000)
    expect(page.locator("#no-alerts")).to_be_visible()

    assert kiosk.process is not None
    kiosk.process.kill()  # SIGKILL: the broker publishes the kiosk's last will

    expect(row.locator(".state")).to_have_text("离线", timeout=DEADLINE_MS)
    expect(page.locator('#alert-list li.alert-offline[data-kiosk="st01/k1"]')).to_be_visible(
        timeout=DEADLINE_MS
    )
    page.goto(f"{hub.url}/lang/en")  # the same state in English
    expect(page.locator('tr[data-kiosk="st01/k1"] .state')).to_have_text("offline")


def test_a_reader_that_misreads_shows_its_error_count_and_an_alert(
    hub: DashboardHub, stack: Stack, browser: BrowserContext
) -> None:
    status = KioskStatus(
        v=1,
        type="kiosk_status",
        station="st01",
        kiosk="k7",
        state="online",
        at=datetime.now(UTC),
        reader="error",
        reader_errors=12,
        software="lianxin-0.1",
    )
    stack.probe().publish(kiosk_status_topic("st01", "k7"), encode(status))
    page = browser.new_page()
    log_in(page, hub.url)
    row = page.locator('tr[data-kiosk="st01/k7"]')
    expect(row.locator(".reader")).to_contain_text("故障", timeout=30_000)
    expect(row.locator(".reader")).to_contain_text("读卡错误 12")
    expect(page.locator('#alert-list li.alert-reader[data-kiosk="st01/k7"]')).to_be_visible()
