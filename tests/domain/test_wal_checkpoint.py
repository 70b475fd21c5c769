"""The hub's WAL is checkpointed by a thread of its own, not by the commits a swipe waits for."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hub.db import make_engine
from hub.wal_checkpoint import AUTOCHECKPOINT_PAGES, WalCheckpointer
from tests.waiting import wait_until

PAGE = 4096


def test_committed_pages_reach_the_database_file_though_no_commit_checkpoints(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hub.db"
    engine = make_engine(f"sqlite:///{path}")
    rows = 1_000  # a page each: a quarter of the net, so no commit checkpoints by itself
    assert rows < AUTOCHECKPOINT_PAGES
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE swipe (id INTEGER PRIMARY KEY, body BLOB)"))
    checkpointer = WalCheckpointer(engine, every_s=0.05)
    checkpointer.start()
    try:
        with engine.connect() as connection:  # held, as the request worker's is
            for _ in range(rows):
                with connection.begin():
                    connection.execute(
                        text("INSERT INTO swipe (body) VALUES (zeroblob(:size))"), {"size": PAGE}
                    )
        wait_until(
            lambda: path.stat().st_size >= rows * PAGE,
            30,
            "the committed pages copied into the database file",
        )
    finally:
        checkpointer.stop()
        engine.dispose()
    assert checkpointer.checkpoints > 0


def test_without_the_thread_the_pages_stay_in_the_wal(tmp_path: Path) -> None:
    """The control for the test above: the net alone leaves these commits in the WAL."""
    path = tmp_path / "hub.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE swipe (id INTEGER PRIMARY KEY, body BLOB)"))
    with engine.connect() as connection:
        for _ in range(1_000):
            with connection.begin():
                connection.execute(
                    text("INSERT INTO swipe (body) VALUES (zeroblob(:size))"), {"size": PAGE}
                )
    assert path.stat().st_size < 100 * PAGE
    assert Path(f"{path}-wal").stat().st_size >= 1_000 * PAGE
    engine.dispose()


def test_only_a_sqlite_database_has_a_wal_to_checkpoint() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(ValueError, match="only a SQLite database"):
        WalCheckpointer(engine)
