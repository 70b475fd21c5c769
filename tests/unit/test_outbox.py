"""The kiosk outbox: durable, ordered, never reusing a sequence number."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core.outbox import Draft, Outbox, ReplyRecord


def _draft(seq: int) -> Draft:
    return Draft(f"id-{seq}", "check_in", "t", f"payload {seq}".encode())


def test_sequence_continues_across_reopen(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    assert [outbox.add(_draft).seq for _ in range(3)] == [1, 2, 3]
    outbox.close()
    reopened = Outbox(tmp_path / "outbox.db")
    assert reopened.add(_draft).seq == 4
    assert [entry.payload for entry in reopened.waiting(10)] == [
        f"payload {n}".encode() for n in (1, 2, 3, 4)
    ]


def test_only_the_hub_reply_takes_a_request_out_of_waiting(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    for _ in range(3):
        outbox.add(_draft)
    assert outbox.mark_replied("id-2", "ok", "checked_in", "{}")
    assert not outbox.mark_replied("id-2", "ok", "checked_in", "{}")  # second copy
    assert not outbox.mark_replied("id-unknown", "ok", "checked_in", "{}")
    assert [entry.seq for entry in outbox.waiting(10)] == [1, 3]
    counts = outbox.counts()
    assert (counts.total, counts.waiting, counts.replied) == (3, 2, 1)
    assert counts.oldest_waiting_at is not None


def test_marking_replies_leaves_new_requests_durable(tmp_path: Path) -> None:
    """Marks skip the fsync (a lost one is only a resend); a request's commit never does."""
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.add(_draft)
    assert outbox.mark_replied("id-1", "ok", "checked_in", "{}")
    # 2 = FULL: the connection is back at full durability for the next add.
    assert outbox._db.execute("PRAGMA synchronous").fetchone() == (2,)
    with pytest.raises(sqlite3.ProgrammingError):
        outbox.mark_replied_many([ReplyRecord("id-1", "ok", "x", object())])  # type: ignore[arg-type]
    assert outbox._db.execute("PRAGMA synchronous").fetchone() == (2,)
    assert outbox.add(_draft).seq == 2


def test_waiting_is_bounded_by_the_window(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    for _ in range(50):
        outbox.add(_draft)
    assert [entry.seq for entry in outbox.waiting(5)] == [1, 2, 3, 4, 5]


def test_a_failed_build_leaves_no_row_and_no_gap(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")

    def broken(seq: int) -> Draft:
        raise ValueError("cannot build")

    with pytest.raises(ValueError, match="cannot build"):
        outbox.add(broken)
    assert outbox.add(_draft).seq == 1
    assert outbox.counts().total == 1
