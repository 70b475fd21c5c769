"""Change feeds (roster, rooms, activities, catalogue) read by cursor.

Each change takes the next number of its feed from ``feed_counters`` while
holding that counter's row lock until commit. Changes to one feed thus
commit in number order, and a reader that has seen number N can never
later meet a smaller number committing behind it. A cursor is the last
number a reader has seen, as a decimal string.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import FeedCounter, FeedItem
from central.schemas import ChangeOut, FeedEntry, FeedName, FeedPage, RosterIn


def roster_key(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def roster_data(entry: RosterIn) -> dict[str, Any]:
    """The roster entry as hubs receive it (``stations``: "*" or "st01,st02")."""
    stations = entry.stations if isinstance(entry.stations, str) else ",".join(entry.stations)
    return {
        "credential": {"kind": entry.credential.kind.value, "value": entry.credential.value},
        "person_id": entry.person_id,
        "masked_name": entry.masked_name,
        "member": entry.member,
        "stations": stations or "*",
    }


def put_item(session: Session, feed: FeedName, key: str, data: dict[str, Any]) -> ChangeOut:
    """Add or replace ``key`` in ``feed`` as the feed's newest change."""
    return _change(session, feed, key, data, deleted=False)


def delete_item(session: Session, feed: FeedName, key: str) -> ChangeOut | None:
    """Turn ``key`` into a tombstone hubs will see; None when it never existed."""
    if session.get(FeedItem, (feed.value, key)) is None:
        return None
    return _change(session, feed, key, {}, deleted=True)


def read_feed(session: Session, feed: FeedName, after: int, limit: int) -> FeedPage:
    rows = session.scalars(
        select(FeedItem)
        .where(FeedItem.feed == feed.value, FeedItem.change_seq > after)
        .order_by(FeedItem.change_seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    cursor = page[-1].change_seq if page else after
    return FeedPage(
        feed=feed,
        items=[
            FeedEntry(key=row.key, deleted=row.deleted, data=json.loads(row.data_json))
            for row in page
        ],
        cursor=str(cursor),
        more=len(rows) > limit,
    )


def _change(
    session: Session, feed: FeedName, key: str, data: dict[str, Any], *, deleted: bool
) -> ChangeOut:
    counter = session.get(FeedCounter, feed.value, with_for_update=True)
    if counter is None:  # the migration creates every feed's counter
        raise LookupError(f"no counter for feed {feed.value!r}: run the migrations")
    counter.last_seq += 1
    item = session.get(FeedItem, (feed.value, key))
    if item is None:
        item = FeedItem(feed=feed.value, key=key)
        session.add(item)
    item.change_seq = counter.last_seq
    item.deleted = deleted
    item.data_json = json.dumps(data, ensure_ascii=False, sort_keys=True)
    item.updated_at = datetime.now(UTC)
    session.flush()
    return ChangeOut(feed=feed, key=key, change_seq=counter.last_seq)
