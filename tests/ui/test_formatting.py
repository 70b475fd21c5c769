"""Dates and request lines in the person's language and time zone (no window needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.core.session_views import Named, Tracked
from kiosk.ui.formatting import stamp
from protocol.messages import MessageType


def _sign_up(created_at: datetime) -> Tracked:
    return Tracked(
        request_id="r1",
        type=MessageType.SIGNUP_CREATE,
        status="pending",
        created_at=created_at,
        subject=Named("楼宇议事会", "Building council"),
    )


def test_asked_on_is_the_local_day_just_after_midnight_in_shanghai() -> None:
    item = _sign_up(datetime(2026, 11, 30, 16, 5, tzinfo=UTC))  # 1 Dec, 00:05 in Shanghai
    assert stamp("zh_CN", item) == "申请于 12月1日"
    assert stamp("en", item) == "asked on Dec 1"


def test_asked_on_is_the_same_day_just_before_local_midnight() -> None:
    item = _sign_up(datetime(2026, 11, 30, 15, 55, tzinfo=UTC))  # 30 Nov, 23:55 in Shanghai
    assert stamp("en", item) == "asked on Nov 30"
