"""Today: check-ins by station and by hour (charts), activities against capacity.

Staff may promote people from an activity's wait list here: the domain's
own ``promote`` gives free seats to the wait list in order, under the
activity's row lock, exactly as a withdrawal at a kiosk would.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.dashboard import audit
from hub.dashboard.context import DashboardContext
from hub.dashboard.i18n import local_time, translator
from hub.dashboard.params import ShownDay, within_reach
from hub.dashboard.staff_change import staff_change
from hub.dashboard.staff_sessions import Staff
from hub.dashboard.today import activities_of_day, check_ins_of_day
from hub.dashboard.web import Web, current_staff, now, render, request_lang, staff_for_change
from hub.domain.changes import mark_changed
from hub.domain.clock import local_day
from hub.domain.waitlist import lock_activity, promote

router = APIRouter()


@router.get("/today", response_class=HTMLResponse)
def today_page(
    request: Request,
    staff: Annotated[Staff, Depends(current_staff)],
    day: ShownDay = None,
    done: str = "",
) -> Response:
    moment = now(request)
    today = local_day(moment)
    shown = day or today
    previous, following = shown - timedelta(days=1), shown + timedelta(days=1)
    t = translator(request_lang(request))
    with Web.of(request).sessions() as session:
        figures = check_ins_of_day(session, shown)
        activities = activities_of_day(session, shown, moment)
    return render(
        request,
        "today.html",
        staff,
        day=shown,
        previous=previous if within_reach(previous, today) else None,
        following=following if within_reach(following, today) else None,
        figures=figures,
        activities=activities,
        hour_chart=_hour_chart(figures.by_station_hour, t("today.chart_hours")),
        station_chart={
            "type": "bar",
            "title": t("today.chart_stations"),
            "labels": list(figures.by_station),
            "datasets": [
                {"label": t("today.check_ins"), "data": list(figures.by_station.values())}
            ],
        },
        message=t("done." + done) if done else "",
        now_local=local_time(moment, "%H:%M"),
    )


@router.post("/activities/{activity_id}/promote")
def promote_wait_list(
    request: Request, activity_id: str, staff: Annotated[Staff, Depends(staff_for_change)]
) -> Response:
    """Give any free seats to the wait list, first come first served."""
    context: DashboardContext = request.app.state.context
    moment = now(request)
    with staff_change(context.sessions, context.publisher) as session:
        activity = lock_activity(session, activity_id)
        if activity is None:
            return RedirectResponse("/today?done=unknown", status_code=303)
        promoted = promote(session, activity, moment)
        if promoted:
            mark_changed(session, "activities")
        audit.record(
            session,
            staff.username,
            "waitlist_promote",
            activity_id,
            moment,
            detail={"promoted": len(promoted)},
        )
    done = "promoted" if promoted else "nothing_to_promote"
    return RedirectResponse(
        f"/today?day={local_day(activity.starts_at)}&done={done}", status_code=303
    )


def _hour_chart(by_station_hour: dict[str, list[int]], title: str) -> dict[str, Any]:
    used = [hour for counts in by_station_hour.values() for hour, n in enumerate(counts) if n]
    first, last = min([7, *used]), max([21, *used])
    return {
        "type": "bar",
        "stacked": True,
        "title": title,
        "labels": [f"{hour:02d}:00" for hour in range(first, last + 1)],
        "datasets": [
            {"label": station, "data": counts[first : last + 1]}
            for station, counts in by_station_hour.items()
        ],
    }
