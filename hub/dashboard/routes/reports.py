"""Reports: monthly and yearly figures, by station, as charts, CSV and Excel."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from hub.dashboard import audit
from hub.dashboard.context import DashboardContext
from hub.dashboard.export import headings, report_rows, to_csv, to_xlsx
from hub.dashboard.i18n import translator
from hub.dashboard.params import station_filter
from hub.dashboard.reports import year_report
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import Web, current_staff, now, render, request_lang
from hub.domain.clock import local_day

router = APIRouter()
Year = Annotated[int | None, Query(ge=2000, le=2100)]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    staff: Annotated[Staff, Depends(current_staff)],
    station: Annotated[str, Depends(station_filter)],
    year: Year = None,
) -> Response:
    context: DashboardContext = request.app.state.context
    moment = now(request)
    shown = year or local_day(moment).year
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        report = year_report(session, shown, station, moment)
    labels = [m.period[5:] for m in report.months]
    return render(
        request,
        "reports.html",
        staff,
        report=report,
        headings=headings(t),
        rows=report_rows(report),
        stations=[s.id for s in context.hub.stations],
        station=station,
        visits_chart={
            "type": "bar",
            "title": t("report.chart_visits"),
            "labels": labels,
            "datasets": [
                {"label": t("report.visits"), "data": [m.visits for m in report.months]},
                {"label": t("report.people"), "data": [m.people for m in report.months]},
            ],
        },
        work_chart={
            "type": "line",
            "title": t("report.chart_work"),
            "labels": labels,
            "datasets": [
                {"label": t("report.activities"), "data": [m.activities for m in report.months]},
                {
                    "label": t("report.services_done"),
                    "data": [m.services_done for m in report.months],
                },
            ],
        },
    )


@router.get("/reports/export.{kind}")
def export_report(
    request: Request,
    kind: Literal["csv", "xlsx"],
    staff: Annotated[Staff, Depends(current_staff)],
    station: Annotated[str, Depends(station_filter)],
    year: Year = None,
) -> Response:
    """A download; audited, since figures leave the hub with it.

    ``station`` is checked against the hub's stations before anything is
    audited: it goes into the file name, a response header.
    """
    moment = now(request)
    shown = year or local_day(moment).year
    t = translator(request_lang(request))
    with Web.of(request).sessions.begin() as session:
        report = year_report(session, shown, station, moment)
        audit.record(
            session,
            staff.username,
            "report_export",
            f"{shown}/{station or '*'}",
            moment,
            detail={"format": kind},
        )
    body = to_csv(report, t) if kind == "csv" else to_xlsx(report, t)
    name = f"lianxin-report-{shown}{('-' + station) if station else ''}.{kind}"
    return Response(
        body,
        media_type=MEDIA[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
