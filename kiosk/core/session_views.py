"""What the kiosk shows: immutable views the session hands to any front end.

The session (``kiosk.core.session``) decides; a front end (the Kivy UI, a
test) renders a :class:`View` and sends intents back. Views carry data and
machine codes, never sentences: the front end translates (``kiosk.core.i18n``)
so one view renders in either language. Names that come from the hub's
reference data arrive in both languages as :class:`Named`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from protocol.messages import Credential, Lang, MessageType


class Screen(enum.StrEnum):
    IDLE = "idle"  # attract: station, time, today's activities and rooms, "swipe"
    RESULT = "result"  # after a scan: greeting, what was recorded, the count
    PURPOSE = "purpose"  # an activity is running: visit or attend? (one tap)
    UNKNOWN = "unknown"  # a card the roster does not know
    IDENTIFY = "identify"  # an action needs a card: "swipe to continue"
    ROOMS = "rooms"  # pick a room
    SLOTS = "slots"  # pick a day and a free slot
    CONFIRM = "confirm"  # check the booking before it is sent
    REQUEST = "request"  # a request was queued: pending, then the hub's answer
    ACTIVITIES = "activities"  # sign up, wait list, withdraw
    SERVICES = "services"  # the 红色代办 catalogue by category
    SERVICE_NOTE = "service_note"  # a short note, then submit
    MY_REQUESTS = "my_requests"  # the status of one's own requests
    VISITOR = "visitor"  # visitor registration with consent
    STAFF_PIN = "staff_pin"
    STAFF = "staff"


class Action(enum.StrEnum):
    """Things a person can start from the idle or result screen."""

    BOOK = "book"
    ACTIVITIES = "activities"
    SERVICES = "services"
    MY_REQUESTS = "my_requests"
    VISITOR = "visitor"
    STAFF = "staff"


Purpose = Literal["visit", "activity", "member"]
TrackedStatus = Literal["pending", "ok", "rejected", "error"]
SlotState = Literal["free", "taken", "past", "mine"]
Mine = Literal["none", "pending", "signed_up", "waitlisted", "withdrawn", "refused"]


@dataclass(frozen=True)
class Named:
    """A name from reference data in both languages."""

    zh: str
    en: str

    def pick(self, lang: Lang) -> str:
        return self.zh if lang == "zh_CN" else self.en


@dataclass(frozen=True)
class Person:
    """Who is at the screen. ``masked_name`` comes from the roster cache (张*明)."""

    credential: Credential
    masked_name: str | None
    member: bool = False
    known: bool = True


@dataclass(frozen=True)
class Recorded:
    """What a scan recorded; ``visits_this_year`` arrives with the hub's reply."""

    purpose: Purpose
    request_id: str
    activity: Named | None = None
    visits_this_year: int | None = None
    answered: bool = False
    refused_code: str | None = None  # the hub said no (rejected / error)


@dataclass(frozen=True)
class Tracked:
    """A request of this person's, pending until the hub's reply names it."""

    request_id: str
    type: MessageType
    status: TrackedStatus
    created_at: datetime
    code: str = ""
    message: str = ""  # the hub's sentence, in the request's language
    subject: Named | None = None  # the room, activity or service it is about
    start: datetime | None = None
    end: datetime | None = None
    subject_id: str = ""


@dataclass(frozen=True)
class RoomChoice:
    id: str
    name: Named
    station: str
    capacity: int
    here: bool  # at this kiosk's station (others are "nearby")
    station_name: Named | None = None  # another station's name, when the hub sent it


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    state: SlotState


@dataclass(frozen=True)
class ActivityRow:
    id: str
    title: Named
    starts_at: datetime
    ends_at: datetime
    room: Named | None
    capacity: int
    places_left: int
    mine: Mine = "none"


@dataclass(frozen=True)
class ServiceItem:
    id: str
    category: Named
    title: Named


@dataclass(frozen=True)
class VisitorForm:
    name: str = ""
    phone: str = ""
    consent: bool = False
    # "name_required" | "name_invalid" | "phone_invalid" | "consent_required" | "unavailable"
    error: str | None = None


@dataclass(frozen=True)
class OutboxLine:
    seq: int
    type: str
    created_at: datetime
    status: str  # "waiting" or the reply status


@dataclass(frozen=True)
class StaffInfo:
    total: int = 0
    waiting: int = 0
    oldest_waiting_at: datetime | None = None
    recent: tuple[OutboxLine, ...] = ()
    reference_versions: tuple[tuple[str, int | None], ...] = ()
    last_scan: str | None = None  # reader test: "kind display" of the last scan
    resync_requested: bool = False


@dataclass(frozen=True)
class Status:
    """The status bar: connection, requests waiting, reader health."""

    online: bool = False
    waiting: int = 0
    reader: str = "none"  # "ok" | "missing" | "error" | "none"


@dataclass(frozen=True)
class Overview:
    """What the idle screen shows besides the prompt."""

    station: Named | None = None
    activities_today: tuple[ActivityRow, ...] = ()
    rooms: tuple[RoomChoice, ...] = ()
    has_activities: bool = False  # reference data received at all
    has_rooms: bool = False


@dataclass(frozen=True)
class View:
    """Everything one screen needs; fields not used by ``screen`` keep defaults."""

    screen: Screen
    lang: Lang = "zh_CN"
    large_text: bool = False
    overview: Overview = field(default_factory=Overview)
    person: Person | None = None
    recorded: Recorded | None = None
    recent: tuple[Tracked, ...] = ()  # this person's recent requests, at a scan
    purposes: tuple[ActivityRow, ...] = ()
    pending_action: Action | None = None  # what IDENTIFY continues with
    rooms: tuple[RoomChoice, ...] | None = None  # None: no reference data yet
    room: RoomChoice | None = None
    days: tuple[date, ...] = ()
    day: date | None = None
    slots: tuple[Slot, ...] = ()
    slot: Slot | None = None
    tracked: Tracked | None = None
    online: bool = False  # when the request was queued (pending wording)
    activities: tuple[ActivityRow, ...] | None = None
    services: tuple[ServiceItem, ...] | None = None
    service: ServiceItem | None = None
    note: str = ""
    my_requests: tuple[Tracked, ...] = ()
    visitor: VisitorForm = field(default_factory=VisitorForm)
    pin_error: bool = False
    staff: StaffInfo = field(default_factory=StaffInfo)
    default_lang: Lang = "zh_CN"
    version: int = 0  # grows with every change, so a front end can skip stale renders
