"""Out-of-range days, ids and stations get a readable 422 page that changes nothing, never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import create_engine, text

from hub.dashboard.i18n import LANG_COOKIE
from hub.dashboard.params import DAY_REACH
from hub.domain.clock import PEOPLE_TZ
from tests.dashboard.hubproc import DashboardHub, StaffClient

TOO_BIG = 2**63  # one past SQLite's largest integer
BAD_REQUESTS = "lianxin_hub_dashboard_bad_requests_total"


def audit_actions(hub: DashboardHub) -> list[str]:
    engine = create_engine(f"sqlite:///{hub.directory / 'hub.db'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT action FROM dashboard_audit ORDER BY id"))
            return [str(row[0]) for row in rows]
    finally:
        engine.dispose()


def refused_on(hub: DashboardHub, page: str) -> int:
    """How many requests to ``page`` (a route template) the hub's /metrics says it refused."""
    metrics = requests.get(f"http://127.0.0.1:{hub.http_port}/metrics", timeout=10).text
    series = f'{BAD_REQUESTS}{{page="{page}"}} '
    lines = [line for line in metrics.splitlines() if line.startswith(series)]
    return int(float(lines[0].rsplit(" ", 1)[1])) if lines else 0


def assert_readable_refusal(answer: requests.Response, says: str) -> None:
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert 'id="invalid-problems"' in answer.text
    assert says in answer.text


@pytest.mark.parametrize("page", ["/rooms", "/today"])
def test_a_day_out_of_reach_gets_a_readable_page_in_the_staff_language(
    hub: DashboardHub, page: str
) -> None:
    staff = hub.signed_in()
    for day in ("9999-12-31", "0001-01-01"):
        assert_readable_refusal(staff.get(f"{page}?day={day}"), "日期须在今天前后 5 年之内")
    staff.http.cookies.set(LANG_COOKIE, "en")
    english = staff.get(f"{page}?day=9999-12-31")
    assert_readable_refusal(english, "the day must lie within 5 years of today")
    assert_readable_refusal(staff.get(f"{page}?day=2026-13-40"), "not a date")
    assert refused_on(hub, page) == 4

    edge = datetime.now(PEOPLE_TZ).date() + DAY_REACH
    shown = staff.get(f"{page}?day={edge.isoformat()}")
    assert shown.status_code == 200
    for step in (1, 7):  # no arrow on to a day the page would refuse
        assert f"day={(edge + timedelta(days=step)).isoformat()}" not in shown.text


def test_ids_past_the_integer_range_are_refused_and_change_nothing(hub: DashboardHub) -> None:
    staff: StaffClient = hub.signed_in()
    before = audit_actions(hub)
    for path, form in [
        (f"/bookings/{TOO_BIG}/cancel", {}),
        (f"/registrations/visitor/{TOO_BIG}/confirm", {}),
        (f"/staff/{TOO_BIG}/active", {"active": "true"}),
        (f"/services/{TOO_BIG}/move", {"to": "done"}),
        ("/bookings/0/no-show", {}),
    ]:
        assert_readable_refusal(staff.post(path, **form), "超出允许范围")
    assert audit_actions(hub) == before
    assert refused_on(hub, "/bookings/{booking_id}/{action}") == 2


def test_export_for_an_unknown_station_is_refused_before_it_is_audited(
    hub: DashboardHub,
) -> None:
    staff = hub.signed_in()
    before = audit_actions(hub)
    # A station that would have put a new line into the Content-Disposition header.
    answer = staff.get("/reports/export.csv?station=%22%0d%0aX:%20y")
    assert_readable_refusal(answer, "没有这个驿站")
    assert "X:" not in answer.headers
    assert_readable_refusal(staff.get("/reports?station=st99"), "没有这个驿站")
    assert audit_actions(hub) == before

    known = staff.get("/reports/export.csv?station=st01")
    assert known.status_code == 200
    assert 'filename="lianxin-report-' in known.headers["content-disposition"]
    assert audit_actions(hub) == [*before, "report_export"]


def test_an_unknown_address_is_a_page_in_the_staff_language_not_json(hub: DashboardHub) -> None:
    staff = hub.signed_in()
    answer = staff.get("/no-such-page")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "没有这个页面" in answer.text
    staff.http.cookies.set(LANG_COOKIE, "en")
    assert "No such page" in staff.get("/fleet/nothing/here").text
    assert staff.post("/fleet").status_code == 405  # other HTTP errors keep FastAPI's answer
