"""The states the screenshots show, reached on a real kiosk core; no Kivy here.

Each state is reached by sending the real session its real intents against
a kiosk core on a temporary disk (outbox, reference cache, history); the
hub's replies are played in as a hub would send them. Only the connection
state is made up. Tests stage every state without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from devices.scan import CredentialKind, ScanEvent
from kiosk.core.history import RequestHistory
from kiosk.core.outbox import Outbox
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.requests import RequestWriter
from kiosk.core.session import KioskSession
from kiosk.core.session_views import Action, Status
from kiosk.ui import demo_data
from protocol.codec import encode
from protocol.messages import Lang
from protocol.replies import Reply, ReplyStatus
from protocol.sealing import new_key_pair

HUB_WORDS = {
    "not_available": (
        "这项服务暂未开放，请联系工作人员",
        "This service is not available yet; please ask staff",
    ),
    "booked": ("预约成功", "Your booking is confirmed"),
    "checked_in": ("签到成功", "Checked in"),
    "waitlisted": ("已进入候补名单", "You are on the wait list"),
}


@dataclass
class ShotCore:
    """A real session on a temporary disk; ``online`` is the only thing made up."""

    directory: Path
    data: bool = True
    running: bool = False
    online: bool = True
    pins: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(self.directory / "outbox.db")
        self.reference = ReferenceCache(self.directory / "reference.db", demo_data.STATION)
        if self.data:
            for payload in demo_data.reference_payloads(datetime.now(UTC), running=self.running):
                self.reference.offer(payload)
        self.history = RequestHistory(self.directory / "outbox.db")
        self.session = KioskSession(
            station=demo_data.STATION,
            # Screenshots seal phones to a throwaway key nobody keeps.
            writer=RequestWriter(self.outbox, demo_data.STATION, "k1", phone_key=new_key_pair()[1]),
            reference=self.reference,
            history=self.history,
            status=lambda: Status(
                online=self.online, waiting=self.outbox.counts().waiting, reader="ok"
            ),
            counts=self.outbox.counts,
            services=lambda: demo_data.SERVICES if self.data else None,
            pin_ok=lambda pin: pin == "2468",
        )

    def scan(self, card: str) -> None:
        self.session.scan(
            ScanEvent(
                reader_id="k1-em4100",
                kind=CredentialKind.RFID_EM4100,
                credential=card,
                display=f"{int(card[2:], 16):010d}",
                read_at=datetime.now(UTC),
            )
        )

    def answer(self, request_id: str, status: ReplyStatus, code: str, **result: int) -> None:
        """Play in the hub's reply: stored in the outbox first, as the link does."""
        zh, en = HUB_WORDS[code]
        lang = self.session.view.lang
        reply = Reply(
            v=1,
            type="reply",
            request_id=request_id,
            request_type=None,
            station=demo_data.STATION,
            kiosk="k1",
            status=status,
            code=code,
            message=zh if lang == "zh_CN" else en,
            hub_time=datetime.now(UTC),
            result=dict(result),
        )
        self.outbox.mark_replied(request_id, status.value, code, encode(reply).decode())
        self.session.on_reply(reply)

    def book_tomorrow(self, hour: int = 10) -> None:
        s = self.session
        s.open(Action.BOOK)
        s.pick_room("st01-hall")
        s.pick_day(s.view.days[1])
        s.pick_slot(next(slot.start for slot in s.view.slots if slot.start.hour == hour))
        s.confirm()

    def home(self) -> None:
        """ "Done", then the language this shot is in: ending a session resets it."""
        lang = self.session.view.lang
        self.session.home()
        self.session.set_lang(lang)

    def close(self) -> None:
        self.history.close()
        self.outbox.close()
        self.reference.close()

    def tracked_id(self) -> str:
        tracked = self.session.view.tracked
        assert tracked is not None
        return tracked.request_id


Step = tuple[str, str, str, Callable[[ShotCore], None]]  # screen, state, core, setup


def steps() -> list[Step]:  # noqa: PLR0915 - one list of every state, read top to bottom
    known, member, unknown = demo_data.KNOWN_CARD, demo_data.MEMBER_CARD, demo_data.UNKNOWN_CARD

    def counted(c: ShotCore) -> None:
        c.scan(known)
        recorded = c.session.view.recorded
        assert recorded is not None
        c.answer(recorded.request_id, ReplyStatus.OK, "checked_in", visits_this_year=12)

    def answer_at_scan(c: ShotCore) -> None:
        c.scan(member)
        c.book_tomorrow(16)
        c.answer(c.tracked_id(), ReplyStatus.REJECTED, "not_available")
        c.home()
        c.scan(member)

    def slots(c: ShotCore) -> None:
        c.scan(known)
        c.book_tomorrow(10)
        c.session.back()
        c.session.open(Action.BOOK)
        c.session.pick_room("st01-hall")
        c.session.pick_day(c.session.view.days[1])

    def confirm(c: ShotCore) -> None:
        c.scan(known)
        s = c.session
        s.open(Action.BOOK)
        s.pick_room("st01-read")
        s.pick_day(s.view.days[2])
        s.pick_slot(next(slot.start for slot in s.view.slots if slot.start.hour == 12))

    def pending(online: bool) -> Callable[[ShotCore], None]:
        def setup(c: ShotCore) -> None:
            c.online = online
            c.scan(known)
            c.book_tomorrow()

        return setup

    def answered(status: ReplyStatus, code: str) -> Callable[[ShotCore], None]:
        def setup(c: ShotCore) -> None:
            c.scan(known)
            c.book_tomorrow()
            c.answer(c.tracked_id(), status, code)

        return setup

    def activities(c: ShotCore) -> None:
        c.scan(known)
        c.session.open(Action.ACTIVITIES)
        c.session.sign_up("A-talk")
        c.answer(c.tracked_id(), ReplyStatus.OK, "waitlisted")
        c.session.back()
        c.session.open(Action.ACTIVITIES)

    def note(c: ShotCore) -> None:
        c.scan(known)
        c.session.open(Action.SERVICES)
        c.session.pick_service("S-017")
        c.session.set_note("Room 1203, December")

    def my_requests(c: ShotCore) -> None:
        c.scan(known)
        c.session.open(Action.SERVICES)
        c.session.pick_service("S-030")
        c.session.submit_service()
        c.home()
        c.scan(known)
        c.book_tomorrow()
        c.answer(c.tracked_id(), ReplyStatus.REJECTED, "not_available")
        c.session.open(Action.MY_REQUESTS)

    def visitor(name: str, phone: str, consent: bool, submit: bool) -> Callable[[ShotCore], None]:
        def setup(c: ShotCore) -> None:
            c.scan(unknown)
            c.session.open(Action.VISITOR)
            c.session.set_visitor(name=name, phone=phone, consent=consent)
            if submit:
                c.session.submit_visitor()

        return setup

    def staff(c: ShotCore) -> None:
        c.scan(known)
        c.home()
        c.session.open(Action.STAFF)
        c.session.enter_pin("2468")
        c.scan(known)

    def wrong_pin(c: ShotCore) -> None:
        c.session.open(Action.STAFF)
        c.session.enter_pin("1111")

    def large(setup: Callable[[ShotCore], None]) -> Callable[[ShotCore], None]:
        def both(c: ShotCore) -> None:
            setup(c)
            c.session.toggle_large_text()

        return both

    def nothing(_c: ShotCore) -> None:
        return None

    def offline(c: ShotCore) -> None:  # the idle screen's status bar says so
        c.online = False

    def scan_known(c: ShotCore) -> None:
        c.online = False
        c.scan(known)

    return [
        ("idle", "online", "full", nothing),
        ("idle", "offline", "full", offline),
        ("idle", "nodata", "empty", nothing),
        ("idle", "large_text", "full", large(nothing)),
        ("result", "visit_offline", "full", scan_known),
        ("result", "counted", "full", counted),
        ("result", "answer_at_next_scan", "full", answer_at_scan),
        ("result", "large_text", "full", large(counted)),
        ("purpose", "activity_running", "lesson", lambda c: c.scan(known)),
        ("unknown", "card", "full", lambda c: c.scan(unknown)),
        ("identify", "book", "full", lambda c: c.session.open(Action.BOOK)),
        ("rooms", "list", "full", lambda c: (c.scan(known), c.session.open(Action.BOOK))),
        ("rooms", "nodata", "empty", lambda c: (c.scan(known), c.session.open(Action.BOOK))),
        ("slots", "tomorrow", "full", slots),
        ("slots", "large_text", "full", large(slots)),
        ("confirm", "booking", "full", confirm),
        ("request", "pending_offline", "full", pending(False)),
        ("request", "pending_online", "full", pending(True)),
        ("request", "not_available", "full", answered(ReplyStatus.REJECTED, "not_available")),
        ("request", "confirmed", "full", answered(ReplyStatus.OK, "booked")),
        ("activities", "list", "full", activities),
        (
            "activities",
            "nodata",
            "empty",
            lambda c: (c.scan(known), c.session.open(Action.ACTIVITIES)),
        ),
        (
            "services",
            "catalogue",
            "full",
            lambda c: (c.scan(known), c.session.open(Action.SERVICES)),
        ),
        ("services", "nodata", "empty", lambda c: (c.scan(known), c.session.open(Action.SERVICES))),
        ("service_note", "typed", "full", note),
        ("my_requests", "list", "full", my_requests),
        ("visitor", "empty", "full", visitor("", "", False, False)),
        ("visitor", "error", "full", visitor("Li Hua", "1380", True, True)),
        ("visitor", "filled", "full", visitor("LI HUA", "13800138000", True, False)),
        ("visitor", "large_text", "full", large(visitor("LI HUA", "13800138000", True, False))),
        ("visitor", "large_text_error", "full", large(visitor("Li Hua", "1380", True, True))),
        ("request", "visitor_pending", "full", visitor("LI HUA", "13800138000", True, True)),
        ("staff_pin", "entry", "full", lambda c: c.session.open(Action.STAFF)),
        ("staff_pin", "wrong", "full", wrong_pin),
        ("staff", "maintenance", "full", staff),
    ]


def stage(step: Step, lang: Lang, directory: Path) -> ShotCore:
    """A kiosk core on ``directory`` brought to ``step``'s state, shown in ``lang``."""
    _screen, _state, kind, setup = step
    core = ShotCore(directory, data=kind != "empty", running=kind == "lesson")
    core.session.set_lang(lang)
    setup(core)
    return core
