"""The fleet at a glance: each kiosk's state and the alerts that need a person.

A kiosk counts as offline when its last status says so (the broker
delivers its last will when it vanishes) or when it has been silent for
``offline_after_s``: kiosks report every 10 s, so silence means a kiosk
whose will has not arrived yet, or a broker that is gone. An alert is
raised only once a kiosk has been offline that long, so a quick restart
does not call a person out. Pure functions of the health board and a
clock, so tests can put the clock anywhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.kiosk_health import SKEW_WARNING, KioskHealth
from hub.models import RosterEntry, SyncEvent


class AlertKind(enum.StrEnum):
    OFFLINE = "offline"
    READER = "reader"
    PARKED = "parked"
    CLOCK = "clock"
    BACKLOG = "backlog"


@dataclass(frozen=True)
class KioskRow:
    station: str
    kiosk: str
    online: bool
    last_seen: datetime
    silent_s: float
    waiting: int
    oldest_waiting_s: float | None
    reader: str
    reader_errors: int  # the reader's misreads since the kiosk started
    software: str
    clock_skew_s: float | None


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    station: str
    kiosk: str
    value: float  # seconds offline, parked count, skew seconds ... (what the text shows)
    reader: str = ""


@dataclass(frozen=True)
class SyncState:
    parked: int
    waiting: int
    roster_updated_at: datetime | None
    roster_people: int


def kiosk_rows(board: list[KioskHealth], now: datetime, offline_after_s: float) -> list[KioskRow]:
    """One row per kiosk the hub has heard of, in station/kiosk order."""
    rows = []
    for health in board:
        status = health.status
        silent = (now - health.seen_at).total_seconds()
        rows.append(
            KioskRow(
                station=status.station,
                kiosk=status.kiosk,
                online=status.state == "online" and silent < offline_after_s,
                last_seen=health.seen_at,
                silent_s=max(silent, 0.0),
                waiting=status.outbox_waiting,
                oldest_waiting_s=status.oldest_waiting_s,
                reader=status.reader,
                reader_errors=status.reader_errors,
                software=status.software,
                clock_skew_s=health.clock_skew_s,
            )
        )
    return rows


def alerts(rows: list[KioskRow], sync: SyncState, offline_after_s: float) -> list[Alert]:
    """What needs a person, most urgent kind first."""
    found: list[Alert] = []
    for row in rows:
        if not row.online and row.silent_s >= offline_after_s:
            found.append(Alert(AlertKind.OFFLINE, row.station, row.kiosk, row.silent_s))
        if row.online and row.reader in ("missing", "error"):
            found.append(Alert(AlertKind.READER, row.station, row.kiosk, 0, row.reader))
        if row.online and (row.oldest_waiting_s or 0) >= offline_after_s:
            found.append(
                Alert(AlertKind.BACKLOG, row.station, row.kiosk, row.oldest_waiting_s or 0)
            )
        skew = row.clock_skew_s
        if row.online and skew is not None and abs(skew) > SKEW_WARNING.total_seconds():
            found.append(Alert(AlertKind.CLOCK, row.station, row.kiosk, skew))
    if sync.parked:
        found.append(Alert(AlertKind.PARKED, "", "", sync.parked))
    order = list(AlertKind)
    return sorted(found, key=lambda alert: (order.index(alert.kind), alert.station, alert.kiosk))


def sync_state(session: Session) -> SyncState:
    """Parked and waiting sync items, and how fresh the hub's roster is."""
    parked = session.scalar(
        select(func.count()).select_from(SyncEvent).where(SyncEvent.parked_reason.is_not(None))
    )
    waiting = session.scalar(
        select(func.count())
        .select_from(SyncEvent)
        .where(SyncEvent.sent_at.is_(None), SyncEvent.parked_reason.is_(None))
    )
    updated, people = session.execute(
        select(func.max(RosterEntry.updated_at), func.count(func.distinct(RosterEntry.person_id)))
    ).one()
    return SyncState(int(parked or 0), int(waiting or 0), _aware(updated), int(people or 0))


def _aware(value: datetime | None) -> datetime | None:
    # func.max() bypasses the column type's conversion on SQLite: text or naive.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
