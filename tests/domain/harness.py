"""An in-process hub for domain tests: real Inbox, real SQLite file, a clock we move."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

import hub.domain  # noqa: F401  (registers the domain tables)
from hub.db import make_engine, migrate, session_factory
from hub.domain.clock import PEOPLE_TZ
from hub.domain.models import Blackout, Room, RoomAccess, Station
from hub.domain.records import Activity, Organisation, ServiceItem
from hub.inbox import Inbox
from protocol.ids import new_request_id
from protocol.messages import (
    BookingCancelRequest,
    BookingCreateRequest,
    CheckInRequest,
    MessageType,
    Request,
    SignupCreateRequest,
    SignupWithdrawRequest,
    VisitorRegisterRequest,
)
from protocol.replies import Reply
from protocol.sealing import new_key_pair, seal


def _json(envelope: dict[str, Any]) -> str:
    return json.dumps(envelope, default=lambda value: value.isoformat())


R = TypeVar("R", bound=Request)

# Monday 2026-11-30 09:00 in Shanghai: the tests' "now" unless they move it.
START = datetime(2026, 11, 30, 9, 0, tzinfo=PEOPLE_TZ)


def local(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PEOPLE_TZ)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Domain:
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = field(default_factory=Clock)
    seq: int = 0

    @classmethod
    def create(cls, path: Path, url: str | None = None) -> Domain:
        engine = make_engine(url or f"sqlite:///{path / 'hub.db'}")
        migrate(engine)
        domain = cls(engine, session_factory(engine))
        domain.add(
            Station(
                id="st01",
                name_zh="一站",
                name_en="One",
                tower_zh="甲",
                tower_en="A",
                weekly_booking_quota=3,
            )
        )
        domain.add(
            Station(
                id="st02",
                name_zh="二站",
                name_en="Two",
                tower_zh="乙",
                tower_en="B",
                weekly_booking_quota=3,
            )
        )
        return domain

    @property
    def inbox(self) -> Inbox:
        return Inbox(self.sessions, clock=self.clock)

    def add(self, *rows: Any) -> None:
        with self.sessions.begin() as session:
            session.add_all(rows)

    def room(self, room_id: str = "st01-hall", station: str = "st01", **rules: Any) -> Room:
        values: dict[str, Any] = {
            "kind": "hall",
            "name_zh": "党群议事厅",
            "name_en": "Discussion hall",
            "capacity": 30,
            "open_minute": 8 * 60,
            "close_minute": 21 * 60,
            "slot_minutes": 30,
            "buffer_minutes": 0,
            "max_slots_per_booking": 8,
            "book_ahead_days": 14,
            "no_show_grace_minutes": 15,
            "active": True,
        }
        values.update(rules)
        room = Room(id=room_id, station_id=station, **values)
        self.add(room)
        return room

    def share(self, room_id: str, station: str) -> None:
        self.add(RoomAccess(room_id=room_id, station_id=station))

    def blackout(self, day: datetime, room_id: str | None = None) -> None:
        self.add(Blackout(room_id=room_id, day=day.date(), reason_zh="检修", reason_en="Repairs"))

    def activity(
        self, activity_id: str = "A-1", capacity: int = 2, starts: datetime | None = None
    ) -> None:
        start = starts or local(30, 12)
        self.add(
            Activity(
                id=activity_id,
                station_id="st01",
                room_id=None,
                kind="lunch_hour",
                title_zh="午间一小时",
                title_en="Lunch hour",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                capacity=capacity,
                place_zh="",
                place_en="",
            )
        )

    def service(self, service_id: str = "S-001") -> None:
        self.add(
            ServiceItem(
                id=service_id,
                category_zh="生活缴费",
                category_en="Bills",
                title_zh="代缴物业费",
                title_en="Pay property fees",
                key_project=False,
                active=True,
            )
        )

    def organisation(self, org_id: str = "org-st01") -> None:
        self.add(Organisation(id=org_id, station_id="st01", name_zh="联合党支部", name_en="Branch"))

    def send(self, request: Request) -> Reply:
        return self.inbox.accept(request).reply

    def envelope(
        self,
        kind: MessageType,
        body: dict[str, Any],
        *,
        card: str = "0A0B0C0D0E",
        station: str = "st01",
        kiosk: str = "k1",
        lang: str = "en",
    ) -> dict[str, Any]:
        self.seq += 1
        return {
            "v": 1,
            "id": new_request_id(),
            "type": kind,
            "station": station,
            "kiosk": kiosk,
            "kiosk_time": self.clock.now,
            "seq": self.seq,
            "lang": lang,
            "body": {"credential": {"kind": "rfid_em4100", "value": card}, **body},
        }

    def request(self, model: type[R], kind: MessageType, body: dict[str, Any], **who: Any) -> R:
        """A request as a kiosk sends it: JSON through the strict protocol model."""
        return model.model_validate_json(_json(self.envelope(kind, body, **who)))

    def book(self, start: datetime, end: datetime, *, room: str = "st01-hall", **who: Any) -> Reply:
        return self.send(self.booking_request(start, end, room=room, **who))

    def booking_request(
        self, start: datetime, end: datetime, *, room: str = "st01-hall", **who: Any
    ) -> BookingCreateRequest:
        body = {"room_id": room, "start": start, "end": end}
        return self.request(BookingCreateRequest, MessageType.BOOKING_CREATE, body, **who)

    def cancel(self, booking_id: str, **who: Any) -> Reply:
        body = {"booking_id": booking_id}
        return self.send(
            self.request(BookingCancelRequest, MessageType.BOOKING_CANCEL, body, **who)
        )

    def sign_up(self, card: str, activity: str = "A-1", *, waitlist: bool = True) -> Reply:
        body = {"activity_id": activity, "allow_waitlist": waitlist}
        return self.send(
            self.request(SignupCreateRequest, MessageType.SIGNUP_CREATE, body, card=card)
        )

    def withdraw(self, card: str, activity: str = "A-1") -> Reply:
        body = {"activity_id": activity}
        return self.send(
            self.request(SignupWithdrawRequest, MessageType.SIGNUP_WITHDRAW, body, card=card)
        )

    def check_in(self, card: str, *, activity: str | None = None) -> Reply:
        return self.send(self.check_in_request(card, activity=activity))

    def check_in_request(
        self, card: str, *, activity: str | None = None, **who: Any
    ) -> CheckInRequest:
        body: dict[str, Any] = {
            "read_at": self.clock.now,
            "purpose": "activity" if activity else "visit",
            "activity_id": activity,
        }
        return self.request(CheckInRequest, MessageType.CHECK_IN, body, card=card, **who)

    def register_visitor(self, card: str | None = None) -> Reply:
        """Li Hua registers, phone sealed and masked as a kiosk sends it; with a card or none."""
        body = {
            "name": "Li Hua",
            "phone_sealed": seal(new_key_pair()[1], "13800138000"),
            "phone_masked": "138****8000",
            "consent": True,
            "consent_version": "2026-01",
        }
        envelope = self.envelope(MessageType.VISITOR_REGISTER, body, card=card or "")
        if card is None:
            envelope["body"]["credential"] = None
        return self.send(VisitorRegisterRequest.model_validate_json(_json(envelope)))

    def sign_up_request(self, card: str, activity: str = "A-1") -> SignupCreateRequest:
        body = {"activity_id": activity, "allow_waitlist": True}
        return self.request(SignupCreateRequest, MessageType.SIGNUP_CREATE, body, card=card)

    def count(self, model: type[Any], *where: Any) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def rows(self, model: type[Any], *where: Any) -> list[Any]:
        with self.sessions() as session:
            return list(session.scalars(select(model).where(*where)))
