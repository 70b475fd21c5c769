"""Reports count what kiosks sent, and export the same figures as CSV and Excel."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, expect

from hub.domain.clock import PEOPLE_TZ
from tests.dashboard.conftest import log_in
from tests.dashboard.hubproc import DashboardHub
from tests.system.stack import Hub, Stack
from tests.waiting import wait_until

SCANS = 6


def test_report_exports_as_csv_and_xlsx(
    hub: DashboardHub, stack: Stack, browser: BrowserContext
) -> None:
    kiosk = stack.kiosk("k1", station="st01", scans=SCANS, interval_s=0.05).start()
    counter = Hub(hub.directory, hub.broker)  # only to count rows in the hub's database
    wait_until(lambda: counter.count("check_ins") == SCANS, 60, "check-ins stored")
    assert kiosk.process is not None
    month = datetime.now(PEOPLE_TZ).strftime("%Y-%m")

    page = browser.new_page()
    log_in(page, hub.url)
    page.goto(f"{hub.url}/reports")
    expect(page.locator("#report-table tr.total td").nth(1)).to_have_text(str(SCANS))
    expect(page.locator("#visits-chart")).to_have_attribute("data-drawn", "1")

    with page.expect_download() as csv_download:
        page.click("#export-csv")
    assert csv_download.value.suggested_filename.endswith(".csv")
    text = csv_download.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["期间", "到访人次"]
    by_period = {row[0]: row for row in rows[1:]}
    assert by_period[month][1] == str(SCANS)
    assert int(by_period[month][2]) >= 1  # distinct cards among the synthetic scans

    with page.expect_download() as xlsx_download:
        page.click("#export-xlsx")
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))
    sheet = book.active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1] == "到访人次"
    assert {row[0]: row for row in values[1:]}[month][1] == SCANS
    assert values[-1][1] == SCANS  # the year's total row
