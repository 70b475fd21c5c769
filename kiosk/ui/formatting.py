"""Dates, times, counts and request states in the person's language."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.i18n import N_, labelled, tr
from kiosk.core.session_views import Tracked
from protocol.messages import Lang, MessageType

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)
KINDS = {
    MessageType.CHECK_IN: N_("Check-in"),
    MessageType.BOOKING_CREATE: N_("Room booking"),
    MessageType.BOOKING_CANCEL: N_("Booking cancellation"),
    MessageType.SIGNUP_CREATE: N_("Activity sign-up"),
    MessageType.SIGNUP_WITHDRAW: N_("Withdrawal from an activity"),
    MessageType.SERVICE_REQUEST: N_("Service request"),
    MessageType.VISITOR_REGISTER: N_("Visitor registration"),
    MessageType.MEMBER_REGISTER: N_("Party member registration"),
}


def clock(at: datetime) -> str:
    return at.astimezone(PEOPLE_TZ).strftime("%H:%M")


def time_range(start: datetime, end: datetime) -> str:
    return f"{clock(start)}–{clock(end)}"


def short_date(lang: Lang, day: date) -> str:
    return tr(lang, "{mon} {d}", mon=tr(lang, MONTHS[day.month - 1]), d=day.day)


def local_day(at: datetime) -> date:
    """The calendar day ``at`` falls on for people here (stored times are UTC)."""
    return at.astimezone(PEOPLE_TZ).date()


def day_label(lang: Lang, day: date, today: date) -> str:
    """ "Today 29 Nov" / "Mon 30 Nov" (今天 11月29日 / 周一 11月30日)."""
    name = tr(lang, "Today") if day == today else tr(lang, WEEKDAYS[day.weekday()])
    return f"{name} {short_date(lang, day)}"


def long_date(lang: Lang, at: datetime) -> str:
    local = at.astimezone(PEOPLE_TZ)
    return tr(
        lang,
        "{weekday}, {mon} {d}, {y}",
        weekday=tr(lang, WEEKDAYS[local.weekday()]),
        mon=tr(lang, MONTHS[local.month - 1]),
        d=local.day,
        y=local.year,
    )


def when(lang: Lang, start: datetime, end: datetime) -> str:
    return f"{short_date(lang, local_day(start))} {time_range(start, end)}"


def stamp(lang: Lang, item: Tracked) -> str:
    """When a request is for (a booking's slot), else the local day it was asked on."""
    if item.start is not None and item.end is not None:
        return when(lang, item.start, item.end)
    return tr(lang, "asked on {day}", day=short_date(lang, local_day(item.created_at)))


def ordinal(lang: Lang, n: int) -> str:
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def kind(lang: Lang, item: Tracked) -> str:
    return tr(lang, KINDS[item.type])


def headline(lang: Lang, item: Tracked) -> str:
    """ "Room booking: Discussion hall" (场地预约：党群议事厅); never an id for a name.

    A Party member registration names its organisation once the hub has
    accepted it; before that (or when refused) it says "this building's".
    """
    if item.subject is not None:
        return labelled(lang, kind(lang, item), item.subject.pick(lang))
    if item.type == MessageType.MEMBER_REGISTER:
        return labelled(lang, kind(lang, item), tr(lang, "this building's Party organisation"))
    return kind(lang, item)


def state(lang: Lang, item: Tracked) -> str:
    """Never says confirmed before the hub did."""
    if item.status == "pending":
        return tr(lang, "Pending: waiting for the centre's answer")
    if item.status == "ok":
        if item.type == MessageType.SIGNUP_CREATE and "wait" in item.code:
            return tr(lang, "On the wait list")
        return tr(lang, "Confirmed")
    if item.code == "not_available":
        return tr(lang, "Not available yet")
    return tr(lang, "Not accepted")
