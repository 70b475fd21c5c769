"""Fleet page: every kiosk, and the alerts that need a person.

``/fleet/live`` returns just the table and alert list; the page fetches it
every few seconds so staff see a kiosk drop without reloading.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.dashboard.context import DashboardContext
from hub.dashboard.fleet import alerts, kiosk_rows, sync_state
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.web import Web, current_staff, now, render

router = APIRouter()
REFRESH_S = 5


@router.get("/")
def home() -> Response:
    return RedirectResponse("/fleet", status_code=303)


@router.get("/fleet", response_class=HTMLResponse)
def fleet_page(request: Request, staff: Annotated[Staff, Depends(current_staff)]) -> Response:
    return render(request, "fleet.html", staff, refresh_s=REFRESH_S, **_fleet(request))


@router.get("/fleet/live", response_class=HTMLResponse)
def fleet_live(request: Request, staff: Annotated[Staff, Depends(current_staff)]) -> Response:
    return render(request, "fleet_live.html", staff, **_fleet(request))


def _fleet(request: Request) -> dict[str, Any]:
    context: DashboardContext = request.app.state.context
    offline_after = float(context.settings.offline_after_s)
    moment = now(request)
    rows = kiosk_rows(context.health.snapshot(), moment, offline_after)
    with Web.of(request).sessions() as session:
        sync = sync_state(session)
    roster_age = (
        (moment - sync.roster_updated_at).total_seconds() if sync.roster_updated_at else None
    )
    sync_metrics = [
        line
        for line in context.metrics.render().splitlines()
        if line.startswith("lianxin_sync_") and not line.startswith("#")
    ]
    return {
        "rows": rows,
        "alerts": alerts(rows, sync, offline_after),
        "sync": sync,
        "roster_age_s": roster_age,
        "offline_after_s": context.settings.offline_after_s,
        "online_count": sum(1 for row in rows if row.online),
        "sync_metrics": sync_metrics,
        "checked_at": moment,
    }
