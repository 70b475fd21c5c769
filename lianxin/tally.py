"""Count what the databases hold after a run: the demo's and the tests' truth.

Counts come from the kiosks' outbox files and the hub's database, never
from process memory, so a crash cannot make a run look better than it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text


@dataclass(frozen=True)
class Tally:
    scans: int  # requests written to kiosk outboxes
    acked: int  # of those, answered by the hub
    stored: int  # check-ins in the hub database
    duplicates: int  # hub check-ins beyond one per kiosk scan
    lost: int  # kiosk scans with no trace in the hub database

    def as_dict(self) -> dict[str, int]:
        return {
            "scans": self.scans,
            "acked": self.acked,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "lost": self.lost,
        }


def read_outbox(path: Path, query: str) -> list[tuple[Any, ...]]:
    """Rows of ``query`` on a kiosk's outbox file, read-only, while the kiosk runs.

    A kiosk that is starting may have created the file but not yet its
    table: that outbox is empty, not an error.
    """
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(query).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    finally:
        db.close()


def outbox_ids(outbox_files: Iterable[Path]) -> tuple[set[str], int]:
    """All request ids in the outboxes, and how many of them were answered."""
    ids: set[str] = set()
    acked = 0
    for path in outbox_files:
        rows = read_outbox(path, "SELECT request_id, replied_at IS NOT NULL FROM outbox")
        ids.update(row[0] for row in rows)
        acked += sum(1 for row in rows if row[1])
    return ids, acked


def waiting(outbox_files: Iterable[Path]) -> int:
    """Requests in these outboxes still without the hub's reply."""
    return sum(
        len(read_outbox(path, "SELECT 1 FROM outbox WHERE replied_at IS NULL"))
        for path in outbox_files
    )


def tally(outbox_files: list[Path], hub_database_url: str) -> Tally:
    ids, acked = outbox_ids(outbox_files)
    engine = create_engine(hub_database_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT COUNT(*) FROM check_ins")).scalar_one()
            distinct_scans = connection.execute(
                text(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT i.station, i.kiosk, i.seq"
                    " FROM check_ins c JOIN inbox i ON i.request_id = c.request_id) AS scans"
                )
            ).scalar_one()
            hub_ids = {
                row[0] for row in connection.execute(text("SELECT request_id FROM check_ins"))
            }
    finally:
        engine.dispose()
    return Tally(
        scans=len(ids),
        acked=acked,
        stored=stored,
        duplicates=stored - distinct_scans,
        lost=len(ids - hub_ids),
    )
