"""A kiosk core on disk for tests: real outbox, real reference cache, no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devices.scan import CredentialKind, ScanEvent
from kiosk.core.history import RequestHistory
from kiosk.core.outbox import Outbox
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.requests import RequestWriter
from kiosk.core.session import KioskSession
from kiosk.core.session_views import Named, ServiceItem, Status
from protocol.codec import encode
from protocol.messages import Credential
from protocol.messages import CredentialKind as WireKind
from protocol.reference import (
    ActivitiesSnapshot,
    Activity,
    ConfigSnapshot,
    Room,
    RoomsSnapshot,
    RosterEntry,
    RosterSnapshot,
    StationConfig,
)
from protocol.replies import JsonScalar, Reply, ReplyStatus
from protocol.sealing import new_key_pair

KNOWN_CARD = "3C00CE754C"
MEMBER_CARD = "0A1B2C3D4E"
UNKNOWN_CARD = "FFFFFFFFFF"
STATION = "st01"


def scan_of(card: str) -> ScanEvent:
    return ScanEvent(
        reader_id="k1-em4100",
        kind=CredentialKind.RFID_EM4100,
        credential=card,
        display=f"{int(card[2:], 16):010d}",
        read_at=datetime.now(UTC),
    )


def credential(card: str) -> Credential:
    return Credential(kind=WireKind.RFID_EM4100, value=card)


def reference_payloads(
    now: datetime, *, version: int = 1_000_000, running: bool = True
) -> list[bytes]:
    """Roster, rooms, activities (one running now unless not ``running``) and config."""
    lunch = now - timedelta(minutes=5) if running else now + timedelta(hours=3)
    common = {
        "v": 1,
        "type": "reference",
        "station": STATION,
        "version": version,
        "generated_at": now,
    }
    roster = RosterSnapshot(
        name="roster",
        items=[
            RosterEntry(credential=credential(KNOWN_CARD), person_id="P-1", masked_name="张*明"),
            RosterEntry(
                credential=credential(MEMBER_CARD), person_id="P-2", masked_name="李*", member=True
            ),
        ],
        **common,
    )
    rooms = RoomsSnapshot(
        name="rooms",
        items=[
            Room(
                id="st01-hall",
                station=STATION,
                name_zh="党群议事厅",
                name_en="Discussion hall",
                capacity=30,
            ),
            Room(
                id="st01-read",
                station=STATION,
                name_zh="善美之声朗读亭",
                name_en="Reading booth",
                capacity=2,
            ),
            Room(
                id="st02-cafe",
                station="st02",
                name_zh="咖啡角",
                name_en="Coffee corner",
                capacity=8,
                station_zh="国贸站",
                station_en="Trade Centre",
            ),
        ],
        **common,
    )
    activities = ActivitiesSnapshot(
        name="activities",
        items=[
            Activity(
                id="A-now",
                title_zh="午间一小时：党史微课",
                title_en="Lunchtime hour: Party history",
                starts_at=lunch,
                ends_at=lunch + timedelta(hours=1),
                room_id="st01-hall",
                capacity=40,
                places_left=12,
            ),
            Activity(
                id="A-later",
                title_zh="楼宇友邻节",
                title_en="Neighbours' festival",
                starts_at=now + timedelta(days=2),
                ends_at=now + timedelta(days=2, hours=3),
                room_id=None,
                capacity=100,
                places_left=0,
            ),
        ],
        **common,
    )
    config = ConfigSnapshot(
        name="config",
        config=StationConfig(
            name_zh="红领驿站·金融大厦站",
            name_en="Red Collar Station, Finance Tower",
            idle_timeout_s=30,
        ),
        **common,
    )
    return [encode(roster), encode(rooms), encode(activities), encode(config)]


def activities_in_hall(starts_at: datetime, ends_at: datetime) -> bytes:
    """An activities snapshot, newer than ``reference_payloads``', with one activity in the hall."""
    return encode(
        ActivitiesSnapshot(
            v=1,
            type="reference",
            station=STATION,
            version=2_000_000,
            generated_at=datetime.now(UTC),
            name="activities",
            items=[
                Activity(
                    id="A-hall",
                    title_zh="党员议事会",
                    title_en="Members' meeting",
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room_id="st01-hall",
                    capacity=30,
                    places_left=10,
                )
            ],
        )
    )


SERVICES = (
    ServiceItem("S-017", Named("生活缴费", "Bills"), Named("代缴物业费", "Pay property fees")),
    ServiceItem("S-021", Named("证明材料", "Certificates"), Named("开具党员证明", "Member letter")),
)


@dataclass
class Clock:
    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Core:
    directory: Path
    with_reference: bool = True
    running: bool = False
    online: bool = False
    clock: Clock = field(default_factory=Clock)
    views: list[object] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.directory / "outbox.db")
        self.reference = ReferenceCache(self.directory / "reference.db", STATION)
        if self.with_reference:
            for payload in reference_payloads(datetime.now(UTC), running=self.running):
                self.reference.offer(payload)
        self.phone_private, phone_public = new_key_pair()
        self.writer = RequestWriter(self.outbox, STATION, "k1", phone_key=phone_public)
        self.history = RequestHistory(self.directory / "outbox.db")
        self.pins: list[str] = []
        self.resyncs = 0
        self.exits = 0
        self.session = KioskSession(
            station=STATION,
            writer=self.writer,
            reference=self.reference,
            history=self.history,
            status=lambda: Status(online=self.online, waiting=self.outbox.counts().waiting),
            counts=self.outbox.counts,
            services=lambda: SERVICES if self.with_reference else None,
            pin_ok=lambda pin: pin == "2468",
            resync=self._resync,
            exit_app=self._exit,
            clock=self.clock,
        )
        self.session.subscribe(self.views.append)

    def _resync(self) -> None:
        self.resyncs += 1

    def _exit(self) -> None:
        self.exits += 1

    def reply(
        self,
        request_id: str,
        status: ReplyStatus,
        code: str,
        *,
        recorded: bool = True,
        **result: JsonScalar,
    ) -> Reply:
        """Answer like the hub: store the reply in the outbox, then tell the session.

        ``recorded=False``: only tell the session, as the link does before it
        records a reply to a request it awaits.
        """
        reply = Reply(
            v=1,
            type="reply",
            request_id=request_id,
            request_type=None,
            station=STATION,
            kiosk="k1",
            status=status,
            code=code,
            message=f"hub says {code}",
            hub_time=datetime.now(UTC),
            result=dict(result),
        )
        if recorded:
            self.outbox.mark_replied(request_id, status.value, code, encode(reply).decode())
        self.session.on_reply(reply)
        return reply

    def close(self) -> None:
        self.history.close()
        self.outbox.close()
        self.reference.close()
