"""Change feeds (roster, rooms, activities, catalogue) read by cursor.

Each change takes the next number of its feed from ``feed_counters`` with
one ``UPDATE ... RETURNING``, which holds that counter's row lock (or
SQLite's write lock) until commit. Changes to one feed thus
commit in number order, and a reader that has seen number N can never
later meet a smaller number committing behind it. A cursor is the last
number a reader has seen, as a decimal string.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
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
    # One atomic statement: it takes the counter's row lock (PostgreSQL) or the
    # database write lock (SQLite) before reading the number, so two changes
    # can never be handed the same one. Read-then-write would race on SQLite,
    # where FOR UPDATE does not exist.
    seq = session.execute(
        update(FeedCounter)
        .where(FeedCounter.feed == feed.value)
        .values(last_seq=FeedCounter.last_seq + 1)
        .returning(FeedCounter.last_seq)
    ).scalar_one()  # the migration creates every feed's counter
    item = session.get(FeedItem, (feed.value, key))
    if item is None:
        item = FeedItem(feed=feed.value, key=key)
        session.add(item)
    item.change_seq = seq
    item.deleted = deleted
    item.data_json = json.dumps(data, ensure_ascii=False, sort_keys=True)
    item.updated_at = datetime.now(UTC)
    session.flush()
    return ChangeOut(feed=feed, key=key, change_seq=seq)
