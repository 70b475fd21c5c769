"""The kiosk's flow as a plain-Python state machine: no window, no network waits.

A front end renders :attr:`KioskSession.view` and calls intents: ``scan``,
``choose_purpose``, ``open``, ``pick_room``, ``pick_day``, ``pick_slot``,
``confirm``, ``sign_up``, ``submit_service``, ``submit_visitor``, ``back``,
``home``, ``tick`` (timeouts) and ``on_reply`` (the hub answered). Every
intent is thread-safe: scans come from the reader thread, replies from the
link thread, taps from the UI thread. Listeners are called after each
change, in the thread that caused it and with the session's lock held, so
they see changes in order; they must not block (a UI hands the view to its
own thread and returns).

Rules this module keeps:

- a scan is written to the outbox (``RequestWriter``) before the screen
  changes, and the greeting comes from the roster cache, never the network;
- a booking, sign-up, service or registration is shown *pending* until the
  hub's reply names its request id; ``ok`` is the only "confirmed";
- after a while without a touch the screen returns to idle and forgets the
  person, the language and large text (the next person starts fresh).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from devices.scan import ScanEvent
from kiosk.core import session_data as data
from kiosk.core.calendar import booking_days, day_slots
from kiosk.core.history import RequestHistory
from kiosk.core.outbox import OutboxCounts, OutboxEntry
from kiosk.core.requests import PhoneKeyMissing, RequestWriter, credential_of
from kiosk.core.session_views import (
    Action,
    Named,
    OutboxLine,
    Overview,
    Person,
    Recorded,
    Screen,
    ServiceItem,
    Slot,
    StaffInfo,
    Status,
    Tracked,
    View,
    VisitorForm,
)
from protocol.masking import mask_name
from protocol.messages import Lang, MessageType
from protocol.replies import Reply, ReplyStatus

log = logging.getLogger(__name__)

RESULT_TIMEOUT_S = 12.0  # the greeting stays this long without a touch
DEFAULT_IDLE_TIMEOUT_S = 30.0  # other screens; the hub's config snapshot overrides
CONSENT_VERSION = "2026-01"  # the privacy notice's version, sent with each registration
NOTE_MAX = 200
NAME_MAX = 30
_NEEDS_PERSON = (Action.BOOK, Action.ACTIVITIES, Action.SERVICES, Action.MY_REQUESTS)
_PARENT = {
    Screen.SLOTS: Screen.ROOMS,
    Screen.CONFIRM: Screen.SLOTS,
    Screen.SERVICE_NOTE: Screen.SERVICES,
}
Listener = Callable[[View], None]


class KioskSession:
    """One kiosk's screen flow. See the module docstring for the rules."""

    def __init__(
        self,
        *,
        station: str,
        writer: RequestWriter,
        reference: data.ReferenceSource,
        history: RequestHistory,
        status: Callable[[], Status],
        counts: Callable[[], OutboxCounts],
        services: Callable[[], Sequence[ServiceItem] | None] = lambda: None,
        wake: Callable[[OutboxEntry], None] = lambda _entry: None,
        pin_ok: Callable[[str], bool] = lambda _pin: False,
        resync: Callable[[], object] = lambda: None,
        exit_app: Callable[[], None] = lambda: None,
        default_lang: Lang = "zh_CN",
        on_default_lang: Callable[[Lang], None] = lambda _lang: None,
        organisation_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._station = station
        self._writer = writer
        self._reference = reference
        self._history = history
        self._status = status
        self._counts = counts
        self._services = services
        self._wake = wake
        self._pin_ok = pin_ok
        self._resync = resync
        self._exit_app = exit_app
        self._on_default_lang = on_default_lang
        # 党员报到 goes to the station's building organisation until the hub
        # publishes organisations; the hub validates the id.
        self._organisation_id = organisation_id or f"org-{station}"
        self._clock = clock
        self._now = now
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._scan: ScanEvent | None = None
        self._last_touch = clock()
        self._view = View(screen=Screen.IDLE, lang=default_lang, default_lang=default_lang)
        self._view = dataclasses.replace(self._view, overview=self._overview())

    # -- reading ----------------------------------------------------------------

    @property
    def view(self) -> View:
        with self._lock:
            return self._view

    def status(self) -> Status:
        """Connection, queue and reader state for the status bar (cheap; poll it)."""
        return self._status()

    def subscribe(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    # -- intents: people ----------------------------------------------------------

    def scan(self, scan: ScanEvent) -> None:
        """A card or code was read. Records the visit before the screen changes."""
        credential = credential_of(scan)
        with self._lock:
            self._touch()
            view = self._view
            if view.screen == Screen.STAFF:
                last = f"{scan.kind.value} {scan.display}"
                self._set(staff=dataclasses.replace(view.staff, last_scan=last))
                return
            if view.screen == Screen.STAFF_PIN:
                return
            entry = self._reference.lookup(credential.kind.value, credential.value)
            roster_known = self._reference.roster() is not None
            person = Person(
                credential=credential,
                masked_name=entry.masked_name if entry else None,
                member=bool(entry and entry.member),
                known=entry is not None or not roster_known,
            )
            if view.screen == Screen.VISITOR and not person.known:
                self._set(person=person, visitor=_with_card_name(view.visitor, scan))
                return
            self._scan = scan
            if not person.known:
                # Recorded for staff all the same (a card the roster does not
                # know yet, or a visitor's own card): the hub keeps every swipe.
                self._writer.check_in(scan, lang=view.lang)
                self._go(Screen.UNKNOWN, person=person, recorded=None, recent=())
                return
            if view.screen == Screen.IDENTIFY and view.pending_action is not None:
                self._set(person=person)
                self._open(view.pending_action)
                return
            rows = data.activity_rows(self._reference, self._now()) or ()
            running = data.running_now(rows, self._now())
            if running:
                self._go(Screen.PURPOSE, person=person, purposes=running, recorded=None)
                return
            self._set(person=person)
            self._record(None)

    def choose_purpose(self, activity_id: str | None) -> None:
        """One tap on the purpose screen: None is a plain visit."""
        with self._lock:
            self._touch()
            if self._view.screen == Screen.PURPOSE:
                self._record(activity_id)

    def open(self, action: Action) -> None:
        """Start an action from the idle or result screen (or a menu)."""
        with self._lock:
            self._touch()
            if action in _NEEDS_PERSON and (self._view.person is None or not self._person_ok()):
                self._go(Screen.IDENTIFY, pending_action=action)
                return
            self._open(action)

    def pick_room(self, room_id: str) -> None:
        with self._lock:
            self._touch()
            room = next((r for r in self._view.rooms or () if r.id == room_id), None)
            if room is None:
                return
            days = booking_days(self._now())
            self._go(Screen.SLOTS, room=room, days=days, day=days[0], slot=None)
            self._set(slots=self._slots(room.id, days[0]))

    def pick_day(self, day: date) -> None:
        with self._lock:
            self._touch()
            view = self._view
            if view.screen == Screen.SLOTS and view.room is not None and day in view.days:
                self._set(day=day, slots=self._slots(view.room.id, day))

    def pick_slot(self, start: datetime) -> None:
        with self._lock:
            self._touch()
            slot = next((s for s in self._view.slots if s.start == start), None)
            if slot is not None and slot.state == "free":
                self._go(Screen.CONFIRM, slot=slot)

    def confirm(self) -> None:
        """Queue the booking shown on the confirm screen; it stays pending until the hub answers."""
        with self._lock:
            self._touch()
            view = self._view
            if view.screen != Screen.CONFIRM or view.slot is None or view.room is None:
                return
            person = self._require_person()
            entry = self._writer.booking_create(
                person.credential, view.room.id, view.slot.start, view.slot.end, lang=view.lang
            )
            self._queued(entry)

    def sign_up(self, activity_id: str) -> None:
        """Sign up, or join the wait list when no place is left (the hub decides which)."""
        with self._lock:
            self._touch()
            if self._view.screen != Screen.ACTIVITIES:
                return
            person = self._require_person()
            entry = self._writer.signup_create(
                person.credential, activity_id, allow_waitlist=True, lang=self._view.lang
            )
            self._queued(entry)

    def withdraw(self, activity_id: str) -> None:
        with self._lock:
            self._touch()
            if self._view.screen != Screen.ACTIVITIES:
                return
            person = self._require_person()
            entry = self._writer.signup_withdraw(
                person.credential, activity_id, lang=self._view.lang
            )
            self._queued(entry)

    def pick_service(self, service_id: str) -> None:
        with self._lock:
            self._touch()
            service = next((s for s in self._view.services or () if s.id == service_id), None)
            if service is not None:
                self._go(Screen.SERVICE_NOTE, service=service, note="")

    def set_note(self, note: str) -> None:
        with self._lock:
            self._touch()
            self._set(note=note[:NOTE_MAX])

    def submit_service(self) -> None:
        with self._lock:
            self._touch()
            view = self._view
            if view.screen != Screen.SERVICE_NOTE or view.service is None:
                return
            person = self._require_person()
            entry = self._writer.service_request(
                person.credential, view.service.id, note=view.note.strip(), lang=view.lang
            )
            self._queued(entry)

    def register_member(self) -> None:
        """党员报到 for a roster member, from the result screen."""
        with self._lock:
            self._touch()
            person = self._view.person
            if person is None or not person.member:
                return
            entry = self._writer.member_register(
                person.credential, self._organisation_id, lang=self._view.lang
            )
            self._queued(entry)

    def set_visitor(
        self, *, name: str | None = None, phone: str | None = None, consent: bool | None = None
    ) -> None:
        """Update the registration form as the person types (no validation yet)."""
        with self._lock:
            self._touch()
            form = self._view.visitor
            self._set(
                visitor=VisitorForm(
                    name=(form.name if name is None else name)[:NAME_MAX],
                    phone=form.phone if phone is None else phone[:16],
                    consent=form.consent if consent is None else consent,
                    error=None,
                )
            )

    def submit_visitor(self) -> None:
        """Validate and queue a visitor registration; consent is required, not assumed."""
        with self._lock:
            self._touch()
            view = self._view
            if view.screen != Screen.VISITOR:
                return
            form = view.visitor
            error = visitor_error(form)
            if error is not None:
                self._set(visitor=dataclasses.replace(form, error=error))
                return
            person = view.person
            try:
                entry = self._writer.visitor_register(
                    form.name.strip(),
                    form.phone.strip(),
                    consent_version=CONSENT_VERSION,
                    credential=person.credential if person is not None else None,
                    lang=view.lang,
                )
            except PhoneKeyMissing:
                log.error(
                    "visitor registration refused: no phone key configured",
                    extra={"event": "visitor_unavailable"},
                )
                self._set(visitor=dataclasses.replace(form, error="unavailable"))
                return
            self._queued(entry)

    def back(self) -> None:
        with self._lock:
            self._touch()
            parent = _PARENT.get(self._view.screen)
            if parent is not None:
                self._go(parent)
            elif self._view.recorded is not None and self._view.screen != Screen.RESULT:
                self._go(Screen.RESULT)
            else:
                self._to_idle()

    def home(self) -> None:
        """ "Done": end this person's session now."""
        with self._lock:
            self._to_idle()

    def set_lang(self, lang: Lang) -> None:
        with self._lock:
            self._touch()
            self._set(lang=lang)

    def toggle_large_text(self) -> None:
        with self._lock:
            self._touch()
            self._set(large_text=not self._view.large_text)

    def touch(self) -> None:
        """Any touch on the screen: postpones the return to idle."""
        with self._lock:
            self._touch()

    # -- intents: staff -------------------------------------------------------------

    def enter_pin(self, pin: str) -> None:
        with self._lock:
            self._touch()
            if self._view.screen != Screen.STAFF_PIN:
                return
            if self._pin_ok(pin):
                self._go(Screen.STAFF, pin_error=False, staff=self._staff_info())
            else:
                self._set(pin_error=True)

    def staff_refresh(self) -> None:
        with self._lock:
            if self._view.screen == Screen.STAFF:
                self._refresh_staff()

    def staff_resync(self) -> None:
        """Ask the link to fetch every reference snapshot again."""
        with self._lock:
            if self._view.screen != Screen.STAFF:
                return
            self._touch()
            self._resync()
            self._set(staff=dataclasses.replace(self._view.staff, resync_requested=True))

    def staff_default_lang(self, lang: Lang) -> None:
        with self._lock:
            if self._view.screen != Screen.STAFF:
                return
            self._touch()
            self._on_default_lang(lang)
            self._set(default_lang=lang, lang=lang)

    def staff_exit(self) -> None:
        with self._lock:
            if self._view.screen != Screen.STAFF:
                return
        self._exit_app()

    # -- time and the hub -------------------------------------------------------------

    def tick(self) -> None:
        """Called about once a second: timeouts, fresh reference data when idle.

        The staff screen's outbox figures are read again too: a reply is
        shown before the outbox records it (kiosk/core/link.py), so the
        figures read when it arrives may be a moment behind.
        """
        with self._lock:
            view = self._view
            quiet = self._clock() - self._last_touch
            if view.screen == Screen.IDLE:
                fresh = self._overview()
                if fresh != view.overview:
                    self._set(overview=fresh)
                return
            if view.screen == Screen.STAFF:
                self._refresh_staff()
            if view.screen == Screen.PURPOSE and quiet >= RESULT_TIMEOUT_S:
                self._record(None)  # walked away without choosing: it was a visit
                return
            limit = RESULT_TIMEOUT_S if view.screen == Screen.RESULT else self._idle_timeout()
            if quiet >= limit:
                self._to_idle()

    def on_reply(self, reply: Reply) -> None:
        """The hub answered a request (link thread). Resolves whatever shows it."""
        rid = reply.request_id
        with self._lock:
            view = self._view
            changes: dict[str, object] = {}
            recorded = view.recorded
            if recorded is not None and recorded.request_id == rid:
                visits = reply.result.get("visits_this_year")
                changes["recorded"] = dataclasses.replace(
                    recorded,
                    answered=True,
                    visits_this_year=visits if isinstance(visits, int) else None,
                    refused_code=None if reply.status == ReplyStatus.OK else reply.code,
                )
            if view.tracked is not None and view.tracked.request_id == rid:
                changes["tracked"] = _answered(view.tracked, reply)
            if any(item.request_id == rid for item in view.recent):
                changes["recent"] = tuple(
                    _answered(t, reply) if t.request_id == rid else t for t in view.recent
                )
            if any(item.request_id == rid for item in view.my_requests):
                changes["my_requests"] = tuple(
                    _answered(t, reply) if t.request_id == rid else t for t in view.my_requests
                )
            if changes:
                self._set(**changes)
            if view.screen == Screen.STAFF:
                self._refresh_staff()

    # -- inside ------------------------------------------------------------------------

    def _record(self, activity_id: str | None) -> None:
        assert self._scan is not None
        view = self._view
        entry = self._writer.check_in(self._scan, lang=view.lang, activity_id=activity_id)
        self._wake(entry)
        activity = next((row for row in view.purposes if row.id == activity_id), None)
        recorded = Recorded(
            purpose="activity" if activity_id else "visit",
            request_id=entry.request_id,
            activity=activity.title if activity else None,
        )
        self._go(Screen.RESULT, recorded=recorded, recent=self._person_history()[:3])

    def _open(self, action: Action) -> None:
        now = self._now()
        if action == Action.BOOK:
            self._go(Screen.ROOMS, rooms=data.room_choices(self._reference, self._station))
        elif action == Action.ACTIVITIES:
            mine = data.signup_states(self._person_history())
            self._go(Screen.ACTIVITIES, activities=data.activity_rows(self._reference, now, mine))
        elif action == Action.SERVICES:
            services = self._services()
            self._go(Screen.SERVICES, services=tuple(services) if services is not None else None)
        elif action == Action.MY_REQUESTS:
            self._go(Screen.MY_REQUESTS, my_requests=self._person_history())
        elif action == Action.VISITOR:
            self._go(Screen.VISITOR, visitor=_with_card_name(VisitorForm(), self._scan))
        elif action == Action.STAFF:
            self._go(Screen.STAFF_PIN, pin_error=False)

    def _queued(self, entry: OutboxEntry) -> None:
        self._wake(entry)
        request_id = entry.request_id
        past = next((p for p in self._person_history() if p.request_id == request_id), None)
        tracked = past or _fresh(request_id, self._view)
        self._go(Screen.REQUEST, tracked=tracked, online=self._status().online)

    def _person_history(self) -> tuple[Tracked, ...]:
        person = self._view.person
        if person is None:
            return ()
        services = self._services()
        return tuple(
            data.tracked_of(past, self._reference, services)
            for past in self._history.for_credential(person.credential)
        )

    def _slots(self, room_id: str, day: date) -> tuple[Slot, ...]:
        taken = data.activity_intervals(self._reference, room_id)
        mine = data.own_bookings(self._person_history(), room_id)
        return day_slots(day, self._now(), taken, mine)

    def _refresh_staff(self) -> None:
        """Read the staff screen's figures again; what staff did there stays shown."""
        shown = self._view.staff
        fresh = dataclasses.replace(
            self._staff_info(),
            last_scan=shown.last_scan,
            resync_requested=shown.resync_requested,
        )
        if fresh != shown:
            self._set(staff=fresh)

    def _staff_info(self) -> StaffInfo:
        counts = self._counts()
        recent = tuple(
            OutboxLine(seq, kind, created, status)
            for seq, kind, created, status in self._history.latest()
        )
        versions = tuple(
            (name, snapshot.version if snapshot is not None else None)
            for name, snapshot in (
                ("roster", self._reference.roster()),
                ("rooms", self._reference.rooms()),
                ("activities", self._reference.activities()),
                ("config", self._reference.config()),
            )
        )
        return StaffInfo(
            total=counts.total,
            waiting=counts.waiting,
            oldest_waiting_at=counts.oldest_waiting_at,
            recent=recent,
            reference_versions=versions,
        )

    def _overview(self) -> Overview:
        return data.overview(self._reference, self._station, self._now())

    def _idle_timeout(self) -> float:
        config = self._reference.config()
        return float(config.config.idle_timeout_s) if config else DEFAULT_IDLE_TIMEOUT_S

    def _person_ok(self) -> bool:
        person = self._view.person
        return person is not None and person.known

    def _require_person(self) -> Person:
        person = self._view.person
        if person is None:
            raise RuntimeError(f"{self._view.screen} needs a person; the flow should not get here")
        return person

    def _to_idle(self) -> None:
        default = self._view.default_lang
        self._scan = None
        self._view = View(
            screen=Screen.IDLE,
            lang=default,
            default_lang=default,
            overview=self._overview(),
            version=self._view.version,
        )
        self._set()

    def _go(self, screen: Screen, **changes: object) -> None:
        self._set(screen=screen, **changes)

    def _set(self, **changes: object) -> None:
        self._view = dataclasses.replace(
            self._view,
            version=self._view.version + 1,
            **changes,  # type: ignore[arg-type]
        )
        view, listeners = self._view, list(self._listeners)
        for listener in listeners:
            listener(view)

    def _touch(self) -> None:
        self._last_touch = self._clock()


def _with_card_name(form: VisitorForm, scan: ScanEvent | None) -> VisitorForm:
    """The form with the name an ID card holds, if the person has typed none.

    A resident ID card carries the name in Chinese characters, which the
    on-screen keys cannot type; the person still sees it, may change it, and
    nothing leaves the kiosk until they consent (devices.scan.PersonInfo).
    """
    if scan is None or scan.person is None or form.name.strip():
        return form
    return dataclasses.replace(form, name=scan.person.name.strip()[:NAME_MAX], error=None)


def visitor_error(form: VisitorForm) -> str | None:
    """Why the registration form cannot be sent yet, as a code; None when it can."""
    name = form.name.strip()
    if not name:
        return "name_required"
    if not all(ch.isalnum() or ch in " .-·'" for ch in name):
        return "name_invalid"
    phone = form.phone.strip()
    if not (phone.lstrip("+").isdigit() and 5 <= len(phone.lstrip("+")) <= 15):
        return "phone_invalid"
    if not form.consent:
        return "consent_required"
    return None


def _answered(item: Tracked, reply: Reply) -> Tracked:
    return dataclasses.replace(
        item,
        status="ok"
        if reply.status == ReplyStatus.OK
        else ("rejected" if reply.status == ReplyStatus.REJECTED else "error"),
        code=reply.code,
        message=reply.message,
    )


def _fresh(request_id: str, view: View) -> Tracked:
    """A tracked request before the history shows it (visitor registration has no credential)."""
    kind = MessageType.VISITOR_REGISTER if view.screen == Screen.VISITOR else MessageType.CHECK_IN
    name = mask_name(view.visitor.name)
    return Tracked(
        request_id=request_id,
        type=kind,
        status="pending",
        created_at=datetime.now(UTC),
        subject=Named(name, name) if name else None,
    )
