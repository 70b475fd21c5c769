"""A year report as CSV or Excel, with the same headings the page shows.

CSV gets a UTF-8 byte order mark because Excel on Windows otherwise reads
Chinese headings as mojibake; the .xlsx is written with openpyxl, imported
when the first one is asked for: openpyxl costs a hub process 8-19 MB of
resident memory (19 with numpy beside it, which it then imports too) for
a download an office makes a few times a year.
"""

from __future__ import annotations

import csv
import io

from hub.dashboard.i18n import Translate
from hub.dashboard.reports import FIGURES, YearReport


def headings(t: Translate) -> list[str]:
    return [t("col.period"), *(t("report." + name) for name in FIGURES)]


def report_rows(report: YearReport) -> list[list[str | int]]:
    rows: list[list[str | int]] = [[m.period, *m.values()] for m in report.months]
    rows.append([report.total.period, *report.total.values()])
    return rows


def to_csv(report: YearReport, t: Translate) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings(t))
    writer.writerows(report_rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: YearReport, t: Translate) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415 - see above
    from openpyxl.styles import Font  # type: ignore[import-untyped]  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = f"{report.year}{('-' + report.station) if report.station else ''}"
    sheet.append(headings(t))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        sheet.append(row)
    sheet[f"A{sheet.max_row}"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 12
    for column in "BCDE":
        sheet.column_dimensions[column].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
