"""Publish reference data to each station's kiosks as retained snapshots.

Every table a kiosk needs offline (roster, config; rooms, activities and the
service catalogue from the domain) has a builder registered here. A snapshot
is published retained at QoS 1 on ``lianxin/v1/st/{station}/ref/{name}``
when the hub connects and whenever ``changed(name)`` is called, with a
version taken from a database counter so it grows across restarts and
across hub workers. Kiosks keep the newest version they have seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import StationSettings
from hub.domain.records import Visitor
from hub.models import ReferenceVersion
from hub.models import RosterEntry as RosterRow
from protocol.codec import MAX_REFERENCE_BYTES, encode
from protocol.masking import mask_name
from protocol.messages import Credential, CredentialKind
from protocol.reference import (
    ConfigSnapshot,
    RosterEntry,
    RosterSnapshot,
    Snapshot,
    StationConfig,
)
from protocol.topics import reference_topic

log = logging.getLogger(__name__)

# (session, station, version, now) -> the snapshot for that station
SnapshotBuilder = Callable[[Session, StationSettings, int, datetime], Snapshot]
Publish = Callable[[str, bytes], None]  # (topic, payload), retained QoS 1


class ReferencePublisher:
    def __init__(
        self,
        stations: list[StationSettings],
        sessions: sessionmaker[Session],
        publish: Publish,
    ) -> None:
        self._stations = stations
        self._sessions = sessions
        self._publish = publish
        self._builders: dict[str, SnapshotBuilder] = {
            "roster": build_roster,
            "config": build_config,
        }

    def register(self, name: str, builder: SnapshotBuilder) -> None:
        """Add a reference table; domain modules call this at hub start."""
        self._builders[name] = builder

    def publish_all(self) -> None:
        for name in self._builders:
            self.changed(name)

    def changed(self, name: str) -> None:
        """Republish ``name`` to every station, under a new version."""
        builder = self._builders[name]
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            version = _next_version(session, name)
            snapshots = [builder(session, station, version, now) for station in self._stations]
        for station, snapshot in zip(self._stations, snapshots, strict=True):
            payload = encode(snapshot)
            if len(payload) > MAX_REFERENCE_BYTES:
                log.error(
                    "reference %s for %s is %d bytes, over the %d limit: not published",
                    name,
                    station.id,
                    len(payload),
                    MAX_REFERENCE_BYTES,
                    extra={"event": "reference_too_large", "station": station.id},
                )
                continue
            self._publish(reference_topic(station.id, name), payload)
            log.info(
                "published reference %s v%d (%d bytes)",
                name,
                version,
                len(payload),
                extra={"event": "reference_published", "station": station.id},
            )


def _next_version(session: Session, name: str) -> int:
    row = session.get(ReferenceVersion, name, with_for_update=True)
    if row is None:
        row = ReferenceVersion(name=name, version=0)
        session.add(row)
    row.version += 1
    session.flush()
    return row.version


def build_roster(
    session: Session, station: StationSettings, version: int, now: datetime
) -> RosterSnapshot:
    """Central's people, then the visitors registered with a card at any station.

    A visitor's card is recognised at the next swipe (greeted by the masked
    name they gave) until the retention forgets the registration; a card
    central also knows is central's person.
    """
    rows = session.scalars(
        select(RosterRow).order_by(RosterRow.credential_kind, RosterRow.credential)
    ).all()
    items = [
        RosterEntry(
            credential=Credential(kind=CredentialKind(row.credential_kind), value=row.credential),
            person_id=row.person_id,
            masked_name=row.masked_name,
            member=row.member,
        )
        for row in rows
        if row.stations == "*" or station.id in row.stations.split(",")
    ]
    known = {(row.credential_kind, row.credential) for row in rows}
    visitors = session.execute(
        select(Visitor.id, Visitor.credential_kind, Visitor.credential, Visitor.name)
        .where(Visitor.credential.is_not(None), Visitor.name != "")
        .order_by(Visitor.id)
    ).all()
    for visitor_id, kind, value, name in visitors:
        if kind is None or value is None or (kind, value) in known:
            continue
        known.add((kind, value))  # the first registration of a card stands
        items.append(
            RosterEntry(
                credential=Credential(kind=CredentialKind(kind), value=value),
                person_id=f"V-{visitor_id}",
                masked_name=mask_name(name),
                member=False,
            )
        )
    return RosterSnapshot(
        v=1,
        type="reference",
        name="roster",
        station=station.id,
        version=version,
        generated_at=now,
        items=items,
    )


def build_config(
    _session: Session, station: StationSettings, version: int, now: datetime
) -> ConfigSnapshot:
    return ConfigSnapshot(
        v=1,
        type="reference",
        name="config",
        station=station.id,
        version=version,
        generated_at=now,
        config=StationConfig(
            name_zh=station.name_zh,
            name_en=station.name_en,
            idle_timeout_s=station.idle_timeout_s,
        ),
    )
