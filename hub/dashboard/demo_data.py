"""Demo data for the dashboard's screenshots: a year of visits through the real inbox.

Requests go through ``hub.inbox.Inbox`` (with a clock set to the moment of
each visit) so check-ins, bookings, sign-ups, service requests and
registrations are made by the same code that serves kiosks; only the
roster, kiosk health and a parked sync item are written directly. Seeded,
so screenshots are comparable from run to run.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from hub.dashboard.i18n import PEOPLE_TZ
from hub.domain.clock import local_day
from hub.domain.demo import load_demo
from hub.domain.records import ServiceRequest, ServiceRequestStatus
from hub.domain.service_request import move
from hub.inbox import Inbox
from hub.kiosk_health import KioskHealthBoard
from hub.models import RosterEntry, SyncEvent
from protocol.ids import new_request_id
from protocol.masking import mask_phone
from protocol.messages import REQUEST_MODELS, MessageType
from protocol.replies import KioskStatus, ReaderHealth
from protocol.sealing import new_key_pair, seal

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超"
STATIONS = [f"st{n:02d}" for n in range(1, 11)]


class _Clock:
    """The inbox's clock, moved by the generator to each made-up moment."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


# Screenshots only: phones are sealed to a throwaway key nobody keeps.
_DEMO_PHONE_KEY = new_key_pair()[1]


def build_demo(
    sessions: sessionmaker[Session], health: KioskHealthBoard, now: datetime, seed: int = 8
) -> None:
    """Fill an empty hub database and health board with a plausible centre."""
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not a secret
    load_demo(sessions, now)
    cards = _roster(sessions, rng, now)
    clock = _Clock(now)
    inbox = Inbox(sessions, clock)
    seq = iter(range(1, 10**9))

    def send(kind: MessageType, station: str, moment: datetime, body: dict[str, Any]) -> None:
        clock.moment = moment
        request = REQUEST_MODELS[kind].model_validate_json(  # strict models: parse as JSON
            json.dumps(
                {
                    "v": 1,
                    "id": new_request_id(),
                    "type": kind.value,
                    "station": station,
                    "kiosk": "k1",
                    "kiosk_time": moment.isoformat(),
                    "seq": next(seq),
                    "body": body,
                }
            )
        )
        inbox.accept(request)

    def credential() -> dict[str, str]:
        return {"kind": "rfid_em4100", "value": rng.choice(cards)}

    start_of_year = datetime(now.astimezone(PEOPLE_TZ).year, 1, 1, tzinfo=PEOPLE_TZ)
    days = (now - start_of_year).days
    for _ in range(900):
        moment = start_of_year + timedelta(days=rng.uniform(0, days), hours=0)
        local = moment.astimezone(PEOPLE_TZ)
        moment = datetime.combine(
            local.date(), time(rng.randint(8, 19), rng.randint(0, 59)), PEOPLE_TZ
        )
        if moment < now:
            body = {"credential": credential(), "read_at": moment.astimezone(UTC).isoformat()}
            send(MessageType.CHECK_IN, rng.choice(STATIONS), moment, body)
    today = local_day(now)
    for _ in range(160):
        hour = rng.choice([8, 9, 9, 10, 11, 12, 12, 12, 13, 14, 15, 17, 18])
        moment = datetime.combine(today, time(hour, rng.randint(0, 59)), PEOPLE_TZ)
        if moment < now:
            station = rng.choice([*STATIONS[:6], "st01", "st01", "st02"])
            body = {"credential": credential(), "read_at": moment.astimezone(UTC).isoformat()}
            send(MessageType.CHECK_IN, station, moment, body)
    _todays_lesson(send, cards, now, rng)
    _bookings_and_more(send, credential, cards, now, rng)
    _services(sessions, now)
    _health(health, now)
    with sessions.begin() as session:
        session.add(
            SyncEvent(
                event_id="demo-parked-1",
                kind="check_in",
                station="st03",
                payload_json=json.dumps({"event_id": "demo-parked-1"}),
                created_at=now - timedelta(hours=3),
                attempts=5,
                parked_reason="central: payload.body is not a valid check_in body",
            )
        )


def _roster(sessions: sessionmaker[Session], rng: random.Random, now: datetime) -> list[str]:
    cards = []
    with sessions.begin() as session:
        for number in range(1, 61):
            card = f"{rng.getrandbits(40):010X}"
            cards.append(card)
            name = rng.choice(SURNAMES) + "*" + rng.choice(GIVEN)
            session.add(
                RosterEntry(
                    credential_kind="rfid_em4100",
                    credential=card,
                    person_id=f"P-{number:04d}",
                    masked_name=name,
                    member=number % 3 == 0,
                    stations="*",
                    updated_at=now - timedelta(minutes=42),
                )
            )
    return cards


def _todays_lesson(send: Any, cards: list[str], now: datetime, rng: random.Random) -> None:
    """Today's lunchtime lesson: signed up for in the morning, attended at noon, so far."""
    today = local_day(now)
    lesson = f"A-{today:%Y%m%d}-lunch"
    people = cards[10:42]
    for card in people:
        moment = datetime.combine(today, time(rng.randint(8, 10), rng.randint(0, 59)), PEOPLE_TZ)
        if moment < now:
            body = {"credential": {"kind": "rfid_em4100", "value": card}, "activity_id": lesson}
            send(MessageType.SIGNUP_CREATE, "st01", moment, body)
    for card in people[:27]:
        moment = datetime.combine(today, time(11, 45), PEOPLE_TZ) + timedelta(
            minutes=rng.uniform(0, 25)
        )
        if moment < now:
            body = {
                "credential": {"kind": "rfid_em4100", "value": card},
                "purpose": "activity",
                "activity_id": lesson,
                "read_at": moment.astimezone(UTC).isoformat(),
            }
            send(MessageType.CHECK_IN, "st01", moment, body)


def _bookings_and_more(
    send: Any, credential: Any, cards: list[str], now: datetime, rng: random.Random
) -> None:
    today = local_day(now)
    for offset in range(0, 5):
        day = today + timedelta(days=offset)
        for room, hour in (
            ("st01-hall", 14),
            ("st01-activity", 10),
            ("st01-read", 16),
            ("st01-hall", 18),
        ):
            start = datetime.combine(day, time(hour), PEOPLE_TZ)
            if start > now:
                body = {
                    "credential": credential(),
                    "room_id": room,
                    "start": start.isoformat(),
                    "end": (start + timedelta(hours=1)).isoformat(),
                    "note": "",
                }
                send(MessageType.BOOKING_CREATE, "st01", now, body)
    tomorrow_lunch = f"A-{today + timedelta(days=1):%Y%m%d}-lunch"
    for card in cards[:44]:  # capacity 40: four on the wait list
        body = {
            "credential": {"kind": "rfid_em4100", "value": card},
            "activity_id": tomorrow_lunch,
            "allow_waitlist": True,
        }
        send(MessageType.SIGNUP_CREATE, "st01", now, body)
    for index in range(8):
        send(
            MessageType.SERVICE_REQUEST,
            rng.choice(STATIONS),
            now - timedelta(hours=index * 5),
            {
                "credential": credential(),
                "service_id": f"S-{index % 6 + 1:03d}",
                "note": ["", "代缴物业费", "下午三点后在"][index % 3],
            },
        )
    for name, phone in (
        ("李华", "13800138000"),
        ("Anna Schmidt", "13911112222"),
        ("赵子龙", "13700001111"),
    ):
        send(
            MessageType.VISITOR_REGISTER,
            "st02",
            now - timedelta(hours=2),
            {
                "name": name,
                "phone_sealed": seal(_DEMO_PHONE_KEY, phone),
                "phone_masked": mask_phone(phone),
                "consent": True,
                "consent_version": "2026-01",
                "credential": None,
            },
        )
    for station in ("st01", "st03"):
        send(
            MessageType.MEMBER_REGISTER,
            station,
            now - timedelta(hours=1),
            {"credential": credential(), "organisation_id": f"org-{station}", "note": ""},
        )


def _services(sessions: sessionmaker[Session], now: datetime) -> None:
    with sessions.begin() as session:
        ids = [row.id for row in session.query(ServiceRequest).order_by(ServiceRequest.id)]
        for request_id in ids[:3]:
            move(session, request_id, ServiceRequestStatus.ACCEPTED, "已联系", now)
        for request_id in ids[:2]:
            move(session, request_id, ServiceRequestStatus.DONE, "已办结", now)


_DEMO_READERS: dict[str, ReaderHealth] = {"st06": "missing", "st08": "error"}


def _health(health: KioskHealthBoard, now: datetime) -> None:
    for number, station in enumerate(STATIONS, start=1):
        for kiosk in ("k1", "k2") if number <= 3 else ("k1",):
            offline = (station, kiosk) in {("st04", "k1"), ("st02", "k2")}
            seen = now - (timedelta(minutes=17) if offline else timedelta(seconds=number % 7))
            status = KioskStatus(
                v=1,
                type="kiosk_status",
                station=station,
                kiosk=kiosk,
                state="offline" if offline else "online",
                at=seen + (timedelta(minutes=9) if station == "st07" else timedelta()),
                outbox_waiting=37 if station == "st04" else (2 if number == 5 else 0),
                oldest_waiting_s=1020.0 if station == "st04" else (4.0 if number == 5 else None),
                reader=_DEMO_READERS.get(station, "ok"),
                reader_errors={"st08": 23, "st03": 1}.get(station, 0),
                software="lianxin-0.1",
            )
            health.update(status, seen, live=True)
