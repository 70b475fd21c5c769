"""Signing in, refusing wrong passwords, and refusing changes without a CSRF token."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, expect

from tests.dashboard.conftest import log_in
from tests.dashboard.hubproc import DashboardHub


def test_right_password_opens_the_fleet_page(hub: DashboardHub, browser: BrowserContext) -> None:
    page = browser.new_page()
    page.goto(f"{hub.url}/fleet")
    expect(page).to_have_url(re.compile(r"/login\?next=/fleet$"))
    log_in(page, hub.url)
    expect(page).to_have_url(re.compile(r"/fleet$"))
    expect(page.locator("h1")).to_have_text("设备总览")


def test_wrong_password_is_refused(hub: DashboardHub, browser: BrowserContext) -> None:
    page = browser.new_page()
    log_in(page, hub.url, password="not the password")
    expect(page.locator("#login-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{hub.url}/fleet")
    expect(page).to_have_url(re.compile(r"/login"))


def test_post_without_csrf_token_is_refused(hub: DashboardHub, browser: BrowserContext) -> None:
    page = browser.new_page()
    log_in(page, hub.url)
    expect(page).to_have_url(re.compile(r"/fleet$"))
    # Same cookies as the page, but no token: what a forged cross-site form would send.
    answer = browser.request.post(f"{hub.url}/logout", form={}, max_redirects=0)
    assert answer.status == 403
    forged = browser.request.post(
        f"{hub.url}/staff",
        form={
            "username": "mallory",
            "password": "0123456789ab",
            "role": "admin",
            "csrf_token": "x",
        },
        max_redirects=0,
    )
    assert forged.status == 403
    page.goto(f"{hub.url}/staff")  # still signed in, and no account was made
    expect(page.locator("#accounts")).not_to_contain_text("mallory")
    expect(page.locator("#audit")).to_contain_text("login")


def test_login_form_without_its_token_is_refused(
    hub: DashboardHub, browser: BrowserContext
) -> None:
    answer = browser.request.post(
        f"{hub.url}/login", form={"username": "admin", "password": "x"}, max_redirects=0
    )
    assert answer.status == 403


def test_staff_role_cannot_open_admin_pages(hub: DashboardHub, browser: BrowserContext) -> None:
    assert hub.create_staff("wang", "a long enough secret", "staff") == 0
    page = browser.new_page()
    log_in(page, hub.url, user="wang", password="a long enough secret")
    expect(page).to_have_url(re.compile(r"/fleet$"))
    expect(page.locator("nav.main-nav")).not_to_contain_text("账号")
    answer = page.goto(f"{hub.url}/staff")
    assert answer is not None and answer.status == 403
