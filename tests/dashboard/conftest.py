"""Fixtures for the dashboard's browser tests: Mosquitto, a hub process, headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from hub.dashboard.screenshots import CHROMIUM, CHROMIUM_ARGS
from lianxin.broker import BrokerProcess
from tests.dashboard.hubproc import ADMIN, ADMIN_PASSWORD, DashboardHub


@pytest.fixture
def hub(tmp_path: Path, broker: BrokerProcess) -> Iterator[DashboardHub]:
    running = DashboardHub(tmp_path / "hub", broker.info).start()
    yield running
    running.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile per test, so no cookie leaks between tests."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1366, "height": 768},
        )
        yield context
        context.close()


def log_in(page: Page, base_url: str, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
