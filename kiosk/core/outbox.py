"""The kiosk's durable outbox: a request is on disk before anything else.

SQLite in WAL mode with ``synchronous=FULL``: when ``add`` returns, the
request survives a power cut. Rows are kept after the hub's reply (with
the reply) so the kiosk can show a pending booking's answer later; only
the hub's application reply, never a PUBACK, marks a row as answered.
Replies are marked in batches (``mark_replied_many``, one commit for all
the replies that arrived together), and those commits do not wait for the
disk (``synchronous=NORMAL`` for that transaction; the next request's FULL
commit makes them durable with it): losing them to a power cut only means
those requests are sent again and the hub answers them as duplicates, so
a swipe waits for two fsyncs (the kiosk's and the hub's), not three.
Thread-safe: one connection guarded by a lock (the UI thread adds, the
link thread reads and marks). The WAL is copied into the database file
by ``checkpoint``, on a connection of its own: the link thread asks every
second, and it runs once a hundred commits have been made since the
last. Before, whichever commit took the WAL past SQLite's 1,000 pages
did it (a swipe's write, one in a few hundred); the outbox's connection
still does past ``AUTOCHECKPOINT_PAGES``, as a net.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq          INTEGER PRIMARY KEY,
    request_id   TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    topic        TEXT NOT NULL,
    payload      BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    replied_at   TEXT,
    reply_status TEXT,
    reply_code   TEXT,
    reply_json   TEXT
);
CREATE INDEX IF NOT EXISTS ix_outbox_waiting ON outbox (seq) WHERE replied_at IS NULL;
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
# Pages (4 KiB) of WAL after which a commit checkpoints anyway; SQLite's default is 1,000.
AUTOCHECKPOINT_PAGES = 4_000


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    request_id: str
    type: str
    topic: str
    payload: bytes
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    """What a caller builds once it knows its sequence number."""

    request_id: str
    type: str
    topic: str
    payload: bytes


@dataclass(frozen=True)
class ReplyRecord:
    """The hub's reply to one request, as the outbox stores it."""

    request_id: str
    status: str
    code: str
    reply_json: str


@dataclass(frozen=True)
class OutboxCounts:
    total: int
    waiting: int
    replied: int
    oldest_waiting_at: datetime | None


class Outbox:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        self._db.executescript(_SCHEMA)
        self._checkpointer: sqlite3.Connection | None = None  # checkpoint's own, made on first use
        self._commits = 0  # since the last checkpoint

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._checkpointer is not None:
                self._checkpointer.close()

    def checkpoint(self, after_commits: int = 0) -> bool:
        """Copy the WAL's committed pages into the database file, waiting for no one.

        A PASSIVE checkpoint on a connection of its own, without the outbox's
        lock: a swipe's write goes on meanwhile. For one thread (the link's).
        Only once ``after_commits`` commits have been made since the last
        (each costs a sync of the file); True when it ran.
        """
        if self._commits < after_commits:
            return False
        self._commits = 0  # a commit counted meanwhile is lost to the count, not to the WAL
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(
                self._path, check_same_thread=False, isolation_level=None
            )
        self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        return True

    def add(self, build: Callable[[int], Draft]) -> OutboxEntry:
        """Give ``build`` the next sequence number and store its draft durably.

        The sequence is per kiosk, starts at 1 and never repeats, even across
        restarts, because it is taken and used in one transaction.
        """
        created_at = datetime.now(UTC)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT value FROM counters WHERE name='seq'").fetchone()
                seq = (row[0] if row else 0) + 1
                draft = build(seq)
                self._db.execute(
                    "INSERT INTO outbox (seq, request_id, type, topic, payload, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        seq,
                        draft.request_id,
                        draft.type,
                        draft.topic,
                        draft.payload,
                        created_at.isoformat(),
                    ),
                )
                self._db.execute(
                    "INSERT INTO counters (name, value) VALUES ('seq', ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (seq,),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._commits += 1
        return OutboxEntry(
            seq, draft.request_id, draft.type, draft.topic, draft.payload, created_at
        )

    def waiting(self, limit: int, after_seq: int = 0) -> list[OutboxEntry]:
        """The oldest ``limit`` requests after ``after_seq`` still without a reply, in order.

        ``after_seq`` lets the link page through a long queue: it keeps the
        in-flight window in memory and asks for the next page only when it
        has sent the last one.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, request_id, type, topic, payload, created_at FROM outbox"
                " WHERE replied_at IS NULL AND seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
        return [
            OutboxEntry(seq, rid, kind, topic, bytes(payload), datetime.fromisoformat(created))
            for seq, rid, kind, topic, payload, created in rows
        ]

    def mark_replied(self, request_id: str, status: str, code: str, reply_json: str) -> bool:
        """Record the hub's reply; False when the id is unknown or already answered."""
        return bool(self.mark_replied_many([ReplyRecord(request_id, status, code, reply_json)]))

    def mark_replied_many(self, replies: Sequence[ReplyRecord]) -> set[str]:
        """Record several replies in one transaction (one fsync); the ids newly answered.

        An id that is unknown or already answered is left alone and not returned.
        """
        if not replies:
            return set()
        replied_at = datetime.now(UTC).isoformat()
        fresh: set[str] = set()
        with self._lock:
            # Not durable on its own (see the module's docstring): a lost
            # mark is a resend the hub answers as a duplicate.
            self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for reply in replies:
                        cursor = self._db.execute(
                            "UPDATE outbox SET replied_at=?, reply_status=?, reply_code=?,"
                            " reply_json=? WHERE request_id=? AND replied_at IS NULL",
                            (
                                replied_at,
                                reply.status,
                                reply.code,
                                reply.reply_json,
                                reply.request_id,
                            ),
                        )
                        if cursor.rowcount == 1:
                            fresh.add(reply.request_id)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._commits += 1
            finally:
                self._db.execute("PRAGMA synchronous=FULL")
        return fresh

    def counts(self) -> OutboxCounts:
        with self._lock:
            total, waiting, oldest = self._db.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE replied_at IS NULL),"
                " MIN(created_at) FILTER (WHERE replied_at IS NULL) FROM outbox"
            ).fetchone()
        return OutboxCounts(
            total=total,
            waiting=waiting,
            replied=total - waiting,
            oldest_waiting_at=datetime.fromisoformat(oldest) if oldest else None,
        )

    def prune_answered(self, older_than: datetime) -> int:
        """Delete requests answered before ``older_than``; never one still waiting."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM outbox WHERE replied_at IS NOT NULL AND replied_at < ?",
                (older_than.astimezone(UTC).isoformat(),),
            )
            return cursor.rowcount

    def request_ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT request_id FROM outbox")]
