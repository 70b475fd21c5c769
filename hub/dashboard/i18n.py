"""Chinese first, English second: the language of a request and its translator.

The language is a cookie the staff member sets with the switch in the
header; without it the dashboard speaks Chinese. Strings live in
``hub.dashboard.catalogue`` as (zh_CN, en) pairs so a missing English text
is visible in review and a test checks every key a template uses exists.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from hub.dashboard.catalogue import MESSAGES

log = logging.getLogger(__name__)
Lang = Literal["zh_CN", "en"]
LANGS: tuple[Lang, ...] = ("zh_CN", "en")
LANG_COOKIE = "lianxin_lang"
MAX_DAYS = 9999  # longer than anything real; keeps a table cell short
PEOPLE_TZ = ZoneInfo("Asia/Shanghai")
Translate = Callable[[str], str]


def lang_of(cookie: str | None) -> Lang:
    return "en" if cookie == "en" else "zh_CN"


def translator(lang: Lang) -> Translate:
    index = 0 if lang == "zh_CN" else 1

    def translate(key: str) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            log.warning("no text for %s", key, extra={"event": "dashboard_missing_text"})
            return key
        return pair[index]

    return translate


def local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC instant as people in the centre read it (Asia/Shanghai)."""
    if moment is None:
        return "—"
    return moment.astimezone(PEOPLE_TZ).strftime(pattern)


def duration(seconds: float | None, lang: Lang) -> str:
    """ "3 min", "2 h 5 min", "4 d" style, short enough for a table cell.

    None, NaN and infinity (a kiosk's status may say anything) are "—";
    more than ``MAX_DAYS`` days is shown as ">9999 d", not a 300-digit number.
    """
    if seconds is None or not math.isfinite(seconds):
        return "—"
    whole = int(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    units = ("天", "小时", "分", "秒") if lang == "zh_CN" else (" d", " h", " min", " s")
    sep = "" if lang == "zh_CN" else " "
    if days > MAX_DAYS:
        text = f">{MAX_DAYS}{units[0]}"
    elif days:
        text = f"{days}{units[0]}{sep}{hours}{units[1]}" if hours else f"{days}{units[0]}"
    elif hours:
        text = f"{hours}{units[1]}{sep}{minutes}{units[2]}"
    elif minutes:
        text = f"{minutes}{units[2]}"
    else:
        text = f"{secs}{units[3]}"
    return f"-{text}" if seconds < 0 else text


def pick(lang: Lang, zh: str, en: str) -> str:
    """A name the domain keeps in both languages (rooms, activities, services)."""
    return zh if lang == "zh_CN" else en
