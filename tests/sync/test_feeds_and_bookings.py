"""Feeds applied by cursor into the hub's roster; online bookings as stable hub requests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from hub.models import RosterEntry, SyncCursor
from protocol.messages import BookingCreateRequest, MessageType
from sync.client import CallFailure
from sync.feeds import FeedPuller
from sync.online_bookings import request_for, request_id_for
from sync.wire import FeedEntry, FeedPage, OnlineBooking


def roster_entry(card: str, name: str = "张*明") -> FeedEntry:
    return FeedEntry(
        key=f"rfid_em4100:{card}",
        deleted=False,
        data={
            "credential": {"kind": "rfid_em4100", "value": card},
            "person_id": f"P-{card}",
            "masked_name": name,
            "member": False,
            "stations": "*",
        },
    )


class FakeFeeds:
    """Serves scripted pages per feed and cursor; records what was asked."""

    def __init__(self, pages: dict[tuple[str, str], FeedPage]) -> None:
        self.pages = pages
        self.asked: list[tuple[str, str]] = []

    def read(self, feed: str, cursor: str, _limit: int) -> FeedPage | CallFailure:
        self.asked.append((feed, cursor))
        return self.pages.get(
            (feed, cursor), FeedPage(feed=feed, items=[], cursor=cursor, more=False)
        )


def roster(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return {row.credential: row.masked_name for row in session.scalars(select(RosterEntry))}


def test_roster_pages_are_applied_in_order_and_the_cursor_is_kept(
    hub_sessions: sessionmaker[Session],
) -> None:
    feeds = FakeFeeds(
        {
            ("roster", "0"): FeedPage(
                feed="roster", items=[roster_entry("A1"), roster_entry("B2")], cursor="2", more=True
            ),
            ("roster", "2"): FeedPage(
                feed="roster",
                items=[
                    roster_entry("A1", "李*"),
                    FeedEntry(key="rfid_em4100:B2", deleted=True, data={}),
                ],
                cursor="4",
                more=False,
            ),
        }
    )
    changed: list[str] = []
    puller = FeedPuller(hub_sessions, feeds.read, Metrics(), changed.append)

    assert puller.pull_all() is None
    assert roster(hub_sessions) == {"A1": "李*"}
    assert changed == ["roster"]
    with hub_sessions() as session:
        cursors = {row.feed: row.cursor for row in session.scalars(select(SyncCursor))}
    assert cursors == {"roster": "4"}

    changed.clear()
    puller.pull_all()
    assert ("roster", "4") in feeds.asked
    assert changed == []  # nothing new: kiosks are not sent the same roster again


def test_domain_feed_goes_to_its_handler_with_its_cursor(
    hub_sessions: sessionmaker[Session],
) -> None:
    room = FeedEntry(key="st01-hall", deleted=False, data={"name_zh": "议事厅"})
    feeds = FakeFeeds(
        {("rooms", "0"): FeedPage(feed="rooms", items=[room], cursor="9", more=False)}
    )
    handed: list[list[FeedEntry]] = []
    puller = FeedPuller(hub_sessions, feeds.read, Metrics(), lambda _name: None)
    puller.handle("rooms", lambda _session, entries: handed.append(entries))

    puller.pull_all()

    assert handed == [[room]]
    with hub_sessions() as session:
        assert session.get(SyncCursor, "rooms") is not None


def test_a_failed_read_leaves_the_cursor_where_it_was(hub_sessions: sessionmaker[Session]) -> None:
    down = CallFailure("GET /feeds/roster: ConnectionError", retryable=True)

    def failing(_feed: str, _cursor: str, _limit: int) -> FeedPage | CallFailure:
        return down

    assert FeedPuller(hub_sessions, failing, Metrics(), lambda _n: None).pull_all() == down
    with hub_sessions() as session:
        assert session.get(SyncCursor, "roster") is None


def test_malformed_roster_entry_is_skipped_not_fatal(hub_sessions: sessionmaker[Session]) -> None:
    bad = FeedEntry(key="rfid_em4100:X", deleted=False, data={"person_id": "P-1"})
    page = FeedPage(feed="roster", items=[bad, roster_entry("C3")], cursor="2", more=False)
    FeedPuller(
        hub_sessions, FakeFeeds({("roster", "0"): page}).read, Metrics(), lambda _n: None
    ).pull_all()
    assert roster(hub_sessions) == {"C3": "张*明"}


def online_booking(**changes: Any) -> OnlineBooking:
    fields: dict[str, Any] = {
        "id": 17,
        "station": "st01",
        "room_id": "st01-hall",
        "start": "2026-12-01T02:00:00Z",
        "end": "2026-12-01T03:00:00Z",
        "credential": {"kind": "rfid_em4100", "value": "3C00CE754C"},
        "note": "党小组会",
        "lang": "zh_CN",
        "created_at": "2026-11-29T04:00:00Z",
    }
    return OnlineBooking.model_validate({**fields, **changes})


def test_online_booking_becomes_the_same_request_every_time_it_is_polled() -> None:
    first, again = request_for(online_booking()), request_for(online_booking())
    assert isinstance(first, BookingCreateRequest)
    assert first == again
    assert first.id == request_id_for(17)
    assert (first.type, first.station, first.kiosk, first.seq) == (
        MessageType.BOOKING_CREATE,
        "st01",
        "central",
        17,
    )
    assert first.body.start == datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert request_id_for(18) != first.id
