"""The kiosk's last good copy of the hub's reference data, on disk.

Offline, the kiosk still greets known people (roster), shows rooms and
activities, and knows its station's name, from what it last received.
A snapshot replaces the stored one only when its version is newer, so a
stale retained message or a replay can never roll the cache back.
Thread-safe: the link thread offers, the UI and the core read.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from protocol.codec import decode_snapshot, encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.reference import (
    ActivitiesSnapshot,
    ConfigSnapshot,
    RoomsSnapshot,
    RosterEntry,
    RosterSnapshot,
    Snapshot,
)

S = TypeVar("S", bound=Snapshot)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    payload     BLOB NOT NULL
);
"""


class ReferenceCache:
    def __init__(self, path: Path, station: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._station = station
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._snapshots: dict[str, Snapshot] = {}
        self._received_at: dict[str, datetime] = {}
        self._roster_index: dict[tuple[str, str], RosterEntry] = {}
        for payload, received_at in self._db.execute("SELECT payload, received_at FROM snapshots"):
            snapshot = decode_snapshot(bytes(payload))
            if not isinstance(snapshot, ProtocolError):  # written by us: always valid
                self._remember(snapshot, datetime.fromisoformat(received_at))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def offer(self, payload: bytes) -> Snapshot | ProtocolError | None:
        """Store a snapshot from the hub if it is newer; None when it was not newer."""
        snapshot = decode_snapshot(payload)
        if isinstance(snapshot, ProtocolError):
            return snapshot
        if snapshot.station != self._station:
            return ProtocolError(
                ErrorCode.TOPIC_MISMATCH,
                f"reference data for station {snapshot.station!r} sent to {self._station!r}",
            )
        received_at = datetime.now(UTC)
        with self._lock:
            current = self._snapshots.get(snapshot.name)
            if current is not None and current.version >= snapshot.version:
                return None
            self._db.execute(
                "INSERT INTO snapshots (name, version, received_at, payload) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET version = excluded.version,"
                " received_at = excluded.received_at, payload = excluded.payload",
                (snapshot.name, snapshot.version, received_at.isoformat(), encode(snapshot)),
            )
            self._remember(snapshot, received_at)
        return snapshot

    def lookup(self, kind: str, value: str) -> RosterEntry | None:
        """The known person holding this credential, from the cached roster."""
        with self._lock:
            return self._roster_index.get((kind, value))

    def roster(self) -> RosterSnapshot | None:
        return self._get("roster", RosterSnapshot)

    def rooms(self) -> RoomsSnapshot | None:
        return self._get("rooms", RoomsSnapshot)

    def activities(self) -> ActivitiesSnapshot | None:
        return self._get("activities", ActivitiesSnapshot)

    def config(self) -> ConfigSnapshot | None:
        return self._get("config", ConfigSnapshot)

    def age_s(self, name: str, now: datetime | None = None) -> float | None:
        """Seconds since the hub generated the cached ``name``; None if never received."""
        with self._lock:
            snapshot = self._snapshots.get(name)
        if snapshot is None:
            return None
        return max(0.0, ((now or datetime.now(UTC)) - snapshot.generated_at).total_seconds())

    def _get(self, name: str, kind: type[S]) -> S | None:
        with self._lock:
            snapshot = self._snapshots.get(name)
        return snapshot if isinstance(snapshot, kind) else None

    def _remember(self, snapshot: Snapshot, received_at: datetime) -> None:
        self._snapshots[snapshot.name] = snapshot
        self._received_at[snapshot.name] = received_at
        if isinstance(snapshot, RosterSnapshot):
            self._roster_index = {
                (entry.credential.kind.value, entry.credential.value): entry
                for entry in snapshot.items
            }
