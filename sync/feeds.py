"""Apply central's change feeds to the hub, each from the cursor where it stopped.

A page of a feed and the new cursor are written in one transaction, so a
crash never skips a change nor applies one twice (applying is an upsert or
a delete by key, so even a repeat would be harmless).

- ``roster`` goes into the hub's ``roster`` table; after a page that
  changed it, ``on_reference_changed("roster")`` republishes the roster
  snapshot to the kiosks.
- ``rooms``, ``activities`` and ``catalogue`` belong to the domain. Each
  page is handed to the handler registered for the feed
  (``FeedPuller.handle(feed, handler)``), inside the same transaction as
  its cursor. Until the domain registers one, the default handler only
  logs; to take a feed over later, register the handler and delete the
  feed's row in ``sync_cursors``: central's feeds are compacted, so
  reading from cursor "0" yields the whole current table again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from hub.models import RosterEntry, SyncCursor
from sync.client import CallFailure
from sync.wire import FeedEntry, FeedPage, RosterData

log = logging.getLogger(__name__)

ROSTER = "roster"
DOMAIN_FEEDS = ("rooms", "activities", "catalogue")
PAGE_SIZE = 500
MAX_PAGES_PER_PULL = 100  # a bound per pull; the next pull continues

# (session, entries) inside the transaction that also moves the feed's cursor.
FeedHandler = Callable[[Session, list[FeedEntry]], None]
ReadFeed = Callable[[str, str, int], "FeedPage | CallFailure"]


def log_only(feed: str) -> FeedHandler:
    def handler(_session: Session, entries: list[FeedEntry]) -> None:
        log.info(
            "%d %s entries from central; no domain handler registered yet",
            len(entries),
            feed,
            extra={"event": "sync_feed_unhandled"},
        )

    return handler


class FeedPuller:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        read_feed: ReadFeed,
        metrics: Metrics,
        on_reference_changed: Callable[[str], None],
    ) -> None:
        self._sessions = sessions
        self._read_feed = read_feed
        self._metrics = metrics
        self._on_reference_changed = on_reference_changed
        self._handlers: dict[str, FeedHandler] = {ROSTER: apply_roster}
        for feed in DOMAIN_FEEDS:
            self._handlers[feed] = log_only(feed)

    def handle(self, feed: str, handler: FeedHandler) -> None:
        """Let the domain take ``rooms``, ``activities`` or ``catalogue`` entries."""
        if feed not in DOMAIN_FEEDS:
            raise ValueError(f"no domain feed {feed!r}; expected one of {DOMAIN_FEEDS}")
        self._handlers[feed] = handler

    def pull_all(self) -> CallFailure | None:
        """Bring every feed up to date; the first failure stops this pull."""
        for feed in (ROSTER, *DOMAIN_FEEDS):
            failure = self.pull(feed)
            if failure is not None:
                return failure
        return None

    def pull(self, feed: str) -> CallFailure | None:
        """Read ``feed`` page by page from its cursor; None when it is up to date."""
        changed, failure = self._pull_pages(feed)
        if changed and feed == ROSTER:
            self._on_reference_changed(ROSTER)
        return failure

    def _pull_pages(self, feed: str) -> tuple[bool, CallFailure | None]:
        changed = False
        for _ in range(MAX_PAGES_PER_PULL):
            with self._sessions() as session:
                cursor = _cursor(session, feed)
            page = self._read_feed(feed, cursor, PAGE_SIZE)
            if isinstance(page, CallFailure):
                return changed, page
            if page.items:
                with self._sessions.begin() as session:
                    self._handlers[feed](session, page.items)
                    _move_cursor(session, feed, page.cursor)
                changed = True
                self._metrics.inc("lianxin_sync_feed_items_total", len(page.items), feed=feed)
            if not page.more:
                break
        return changed, None


def apply_roster(session: Session, entries: list[FeedEntry]) -> None:
    """Upsert or delete the hub's roster rows; a malformed entry is logged and skipped."""
    now = datetime.now(UTC)
    for entry in entries:
        if entry.deleted:
            kind, _, value = entry.key.partition(":")
            session.execute(
                delete(RosterEntry).where(
                    RosterEntry.credential_kind == kind, RosterEntry.credential == value
                )
            )
            continue
        try:
            data = RosterData.model_validate(entry.data)
        except ValidationError as exc:
            log.warning(
                "skipped roster entry %s: %s",
                entry.key,
                exc.errors()[0]["msg"],
                extra={"event": "sync_roster_skipped"},
            )
            continue
        row = session.get(RosterEntry, (data.credential.kind.value, data.credential.value))
        if row is None:
            row = RosterEntry(
                credential_kind=data.credential.kind.value, credential=data.credential.value
            )
            session.add(row)
        row.person_id = data.person_id
        row.masked_name = data.masked_name
        row.member = data.member
        row.stations = data.stations or "*"
        row.updated_at = now


def _cursor(session: Session, feed: str) -> str:
    row = session.get(SyncCursor, feed)
    return row.cursor if row is not None else "0"


def _move_cursor(session: Session, feed: str, cursor: str) -> None:
    """Only forward: two hub workers pulling at once cannot move it back."""
    row = session.get(SyncCursor, feed, with_for_update=True)
    if row is None:
        session.add(SyncCursor(feed=feed, cursor=cursor, updated_at=datetime.now(UTC)))
    elif int(cursor) > int(row.cursor):
        row.cursor = cursor
        row.updated_at = datetime.now(UTC)
