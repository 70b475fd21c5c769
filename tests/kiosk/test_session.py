"""The kiosk flow without a window: intents in, views out, requests in the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from devices.scan import CredentialKind, PersonInfo, ScanEvent
from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.session import RESULT_TIMEOUT_S
from kiosk.core.session_views import Action, Screen
from protocol.codec import encode
from protocol.replies import ReplyStatus
from protocol.sealing import open_sealed
from tests.kiosk.fixtures import (
    KNOWN_CARD,
    MEMBER_CARD,
    UNKNOWN_CARD,
    Core,
    activities_in_hall,
    scan_of,
)


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    made = Core(tmp_path)
    yield made
    made.close()


@pytest.fixture
def lunchtime(tmp_path: Path) -> Iterator[Core]:
    made = Core(tmp_path, running=True)
    yield made
    made.close()


def _payloads(core: Core) -> list[dict[str, object]]:
    return [json.loads(entry.payload) for entry in core.outbox.waiting(100)]


def test_scan_records_visit_before_greeting_with_masked_name(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    view = core.session.view
    assert view.screen == Screen.RESULT
    assert view.person is not None and view.person.masked_name == "张*明"
    assert view.recorded is not None and view.recorded.purpose == "visit"
    assert not view.recorded.answered and view.recorded.visits_this_year is None
    (stored,) = _payloads(core)
    assert stored["type"] == "check_in" and stored["id"] == view.recorded.request_id


def test_check_in_reply_brings_visits_this_year(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    recorded = core.session.view.recorded
    assert recorded is not None
    core.reply(recorded.request_id, ReplyStatus.OK, "checked_in", visits_this_year=12)
    after = core.session.view.recorded
    assert after is not None and after.answered and after.visits_this_year == 12


def test_running_activity_asks_purpose_and_records_attendance(lunchtime: Core) -> None:
    lunchtime.session.scan(scan_of(KNOWN_CARD))
    view = lunchtime.session.view
    assert view.screen == Screen.PURPOSE
    assert [row.id for row in view.purposes] == ["A-now"]
    assert _payloads(lunchtime) == []  # nothing decided yet
    lunchtime.session.choose_purpose("A-now")
    view = lunchtime.session.view
    assert view.screen == Screen.RESULT and view.recorded is not None
    assert view.recorded.purpose == "activity"
    (stored,) = _payloads(lunchtime)
    assert stored["body"]["activity_id"] == "A-now"  # type: ignore[index]


def test_walking_away_from_purpose_choice_records_a_visit(lunchtime: Core) -> None:
    lunchtime.session.scan(scan_of(KNOWN_CARD))
    lunchtime.clock.t += RESULT_TIMEOUT_S
    lunchtime.session.tick()
    assert lunchtime.session.view.screen == Screen.RESULT
    (stored,) = _payloads(lunchtime)
    assert stored["body"]["purpose"] == "visit"  # type: ignore[index]


def test_unknown_card_is_recorded_for_staff_and_offers_registration(core: Core) -> None:
    core.session.scan(scan_of(UNKNOWN_CARD))
    view = core.session.view
    assert view.screen == Screen.UNKNOWN and view.person is not None and not view.person.known
    [recorded] = _payloads(core)
    assert recorded["type"] == "check_in"
    assert recorded["body"]["credential"]["value"] == UNKNOWN_CARD
    core.session.open(Action.VISITOR)
    assert core.session.view.screen == Screen.VISITOR


def test_without_a_roster_everyone_is_greeted_and_recorded(tmp_path: Path) -> None:
    core = Core(tmp_path, with_reference=False)
    try:
        core.session.scan(scan_of(UNKNOWN_CARD))
        view = core.session.view
        assert view.screen == Screen.RESULT and view.person is not None
        assert view.person.masked_name is None
        core.session.open(Action.BOOK)
        assert core.session.view.screen == Screen.ROOMS and core.session.view.rooms is None
        core.session.back()
        core.session.open(Action.SERVICES)
        assert core.session.view.services is None
    finally:
        core.close()


def _book_tomorrow_ten(core: Core) -> None:
    core.session.open(Action.BOOK)
    view = core.session.view
    assert view.rooms is not None and [r.id for r in view.rooms][:1] == ["st01-hall"]
    assert view.rooms[-1].here is False  # another station's room comes last
    core.session.pick_room("st01-hall")
    view = core.session.view
    tomorrow = view.days[1]
    core.session.pick_day(tomorrow)
    slot = next(s for s in core.session.view.slots if s.start.hour == 10)
    assert slot.state == "free"
    core.session.pick_slot(slot.start)
    assert core.session.view.screen == Screen.CONFIRM
    core.session.confirm()


def test_booking_stays_pending_until_the_hub_answers(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    _book_tomorrow_ten(core)
    view = core.session.view
    assert view.screen == Screen.REQUEST and view.tracked is not None
    assert view.tracked.status == "pending" and not view.online
    stored = _payloads(core)[-1]
    assert stored["type"] == "booking_create"
    core.reply(view.tracked.request_id, ReplyStatus.REJECTED, "not_available")
    answered = core.session.view.tracked
    assert answered is not None and answered.status == "rejected"
    assert answered.code == "not_available" and answered.message == "hub says not_available"


def test_answer_is_shown_at_the_next_scan(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    _book_tomorrow_ten(core)
    tracked = core.session.view.tracked
    assert tracked is not None
    core.session.home()
    core.reply(tracked.request_id, ReplyStatus.OK, "booked")
    core.session.scan(scan_of(KNOWN_CARD))
    recent = core.session.view.recent
    assert [(t.request_id, t.status) for t in recent] == [(tracked.request_id, "ok")]
    assert recent[0].subject is not None and recent[0].subject.en == "Discussion hall"


def test_own_pending_booking_marks_the_slot(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    _book_tomorrow_ten(core)
    core.session.back()
    core.session.open(Action.BOOK)
    core.session.pick_room("st01-hall")
    core.session.pick_day(core.session.view.days[1])
    slot = next(s for s in core.session.view.slots if s.start.hour == 10)
    assert slot.state == "mine"
    core.session.pick_slot(slot.start)
    assert core.session.view.screen == Screen.SLOTS  # cannot book it twice


def test_activity_in_the_room_makes_its_slots_taken(core: Core) -> None:
    # Tomorrow 10:00-11:00 in the people's time zone: inside the slot grid
    # whatever the time of day the test runs (a "now" activity is not).
    tomorrow = (datetime.now(PEOPLE_TZ) + timedelta(days=1)).date()
    ten = datetime.combine(tomorrow, time(10), PEOPLE_TZ)
    core.reference.offer(activities_in_hall(ten, ten + timedelta(hours=1)))
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.open(Action.BOOK)
    core.session.pick_room("st01-hall")
    core.session.pick_day(tomorrow)

    states = {slot.start.hour: slot.state for slot in core.session.view.slots}
    assert (states[9], states[10], states[11]) == ("free", "taken", "free")


def test_booking_needs_a_card_first(core: Core) -> None:
    core.session.open(Action.BOOK)
    view = core.session.view
    assert view.screen == Screen.IDENTIFY and view.pending_action == Action.BOOK
    core.session.scan(scan_of(KNOWN_CARD))
    assert core.session.view.screen == Screen.ROOMS
    assert _payloads(core) == []  # identifying is not a visit


def test_sign_up_withdraw_and_states(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.open(Action.ACTIVITIES)
    view = core.session.view
    assert view.activities is not None
    full = next(row for row in view.activities if row.id == "A-later")
    assert full.places_left == 0
    core.session.sign_up("A-later")
    tracked = core.session.view.tracked
    assert tracked is not None and tracked.status == "pending"
    core.reply(tracked.request_id, ReplyStatus.OK, "waitlisted")
    core.session.back()
    core.session.open(Action.ACTIVITIES)
    rows = core.session.view.activities
    assert rows is not None
    assert next(row for row in rows if row.id == "A-later").mine == "waitlisted"
    core.session.withdraw("A-later")
    assert _payloads(core)[-1]["type"] == "signup_withdraw"


def test_service_request_with_note_and_my_requests(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.open(Action.SERVICES)
    assert core.session.view.services is not None
    core.session.pick_service("S-017")
    core.session.set_note("代缴物业费 12 月")
    core.session.submit_service()
    tracked = core.session.view.tracked
    assert tracked is not None and tracked.type == "service_request"
    assert _payloads(core)[-1]["body"]["note"] == "代缴物业费 12 月"  # type: ignore[index]
    core.session.back()
    core.session.open(Action.MY_REQUESTS)
    (mine,) = core.session.view.my_requests
    assert mine.subject is not None and mine.subject.en == "Pay property fees"
    core.reply(mine.request_id, ReplyStatus.REJECTED, "not_available")
    assert core.session.view.my_requests[0].status == "rejected"


def test_visitor_registration_requires_consent_and_a_phone(core: Core) -> None:
    core.session.scan(scan_of(UNKNOWN_CARD))
    core.session.open(Action.VISITOR)
    core.session.set_visitor(name="Li Hua", phone="1380013")
    core.session.submit_visitor()
    assert core.session.view.visitor.error == "consent_required"
    core.session.set_visitor(phone="13x")
    core.session.submit_visitor()
    assert core.session.view.visitor.error == "phone_invalid"
    core.session.set_visitor(phone="13800138000", consent=True)
    core.session.submit_visitor()
    assert core.session.view.screen == Screen.REQUEST
    tracked = core.session.view.tracked
    assert tracked is not None and tracked.subject is not None
    assert (tracked.subject.zh, tracked.subject.en) == ("L****a", "L****a")  # never in full
    stored = _payloads(core)[-1]
    assert stored["type"] == "visitor_register"
    body = stored["body"]
    assert isinstance(body, dict) and body["consent"] is True
    assert body["credential"] == {"kind": "rfid_em4100", "value": UNKNOWN_CARD}
    # The number is on disk only sealed to the hub's key, and masked.
    assert "13800138000" not in json.dumps(stored)
    assert body["phone_masked"] == "138****8000"
    assert open_sealed(core.phone_private, str(body["phone_sealed"])) == "13800138000"


def test_a_kiosk_without_the_hubs_phone_key_refuses_visitors_plainly(tmp_path: Path) -> None:
    core = Core(tmp_path)
    try:
        core.writer._phone_key = None  # a kiosk provisioned without phone_key_file
        core.session.scan(scan_of(UNKNOWN_CARD))
        core.session.open(Action.VISITOR)
        core.session.set_visitor(name="Li Hua", phone="13800138000", consent=True)
        core.session.submit_visitor()
        assert core.session.view.visitor.error == "unavailable"
        assert [p["type"] for p in _payloads(core)] == ["check_in"]  # only the card's swipe
    finally:
        core.close()


def test_member_registration_for_members_only(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.register_member()
    assert core.session.view.screen == Screen.RESULT
    core.session.scan(scan_of(MEMBER_CARD))
    core.session.register_member()
    assert core.session.view.screen == Screen.REQUEST
    assert _payloads(core)[-1]["type"] == "member_register"


def test_inactivity_returns_to_idle_and_forgets_person_language_and_large_text(
    core: Core,
) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.set_lang("en")
    core.session.toggle_large_text()
    core.session.open(Action.ACTIVITIES)
    core.clock.t += 29
    core.session.tick()
    assert core.session.view.screen == Screen.ACTIVITIES  # idle_timeout_s is 30 here
    core.clock.t += 1
    core.session.tick()
    view = core.session.view
    assert view.screen == Screen.IDLE and view.person is None
    assert view.lang == "zh_CN" and not view.large_text


def test_result_screen_returns_sooner(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.clock.t += RESULT_TIMEOUT_S
    core.session.tick()
    assert core.session.view.screen == Screen.IDLE


def test_staff_pin_reader_test_resync_language_and_exit(core: Core) -> None:
    core.session.open(Action.STAFF)
    core.session.enter_pin("0000")
    assert core.session.view.pin_error and core.session.view.screen == Screen.STAFF_PIN
    core.session.enter_pin("2468")
    assert core.session.view.screen == Screen.STAFF
    core.session.scan(scan_of(KNOWN_CARD))
    view = core.session.view
    assert view.screen == Screen.STAFF and view.staff.last_scan is not None
    assert _payloads(core) == []  # a reader test is not a visit
    core.session.staff_resync()
    assert core.resyncs == 1 and core.session.view.staff.resync_requested
    core.session.staff_default_lang("en")
    core.session.home()
    assert core.session.view.lang == "en"
    core.session.open(Action.STAFF)
    core.session.enter_pin("2468")
    core.session.staff_exit()
    assert core.exits == 1


def test_staff_screen_catches_up_with_a_reply_shown_before_it_was_recorded(core: Core) -> None:
    """The link shows a reply before the outbox records it; the next tick reads it recorded."""
    core.session.scan(scan_of(KNOWN_CARD))
    recorded = core.session.view.recorded
    assert recorded is not None
    core.session.open(Action.STAFF)
    core.session.enter_pin("2468")
    core.session.scan(scan_of(KNOWN_CARD))  # a reader test
    core.session.staff_resync()
    assert core.session.view.staff.waiting == 1
    reply = core.reply(recorded.request_id, ReplyStatus.OK, "checked_in", recorded=False)
    assert core.session.view.staff.waiting == 1  # read as the reply was shown
    core.outbox.mark_replied(recorded.request_id, "ok", "checked_in", encode(reply).decode())
    core.session.tick()

    staff = core.session.view.staff
    assert staff.waiting == 0 and staff.recent[0].status == "ok"
    assert staff.last_scan is not None and staff.resync_requested  # what staff did stays


def test_idle_overview_lists_today_and_rooms_here(core: Core) -> None:
    overview = core.session.view.overview
    assert overview.station is not None and overview.station.zh == "红领驿站·金融大厦站"
    assert [room.id for room in overview.rooms] == ["st01-hall", "st01-read"]
    assert overview.has_activities


def test_listeners_see_every_change_in_order(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.open(Action.BOOK)
    versions = [view.version for view in core.views]  # type: ignore[attr-defined]
    assert versions == sorted(versions) and len(versions) >= 2


def test_slots_are_in_people_time(core: Core) -> None:
    core.session.scan(scan_of(KNOWN_CARD))
    core.session.open(Action.BOOK)
    core.session.pick_room("st01-read")
    first = core.session.view.slots[0]
    assert first.start.utcoffset() is not None
    assert first.start.hour == 8 and isinstance(first.start, datetime)


def _id_card_scan(name: str) -> ScanEvent:
    return ScanEvent(
        reader_id="k1-idcard",
        kind=CredentialKind.ID_CARD,
        credential="ab" * 32,  # the keyed hash; the number itself never leaves the driver
        display="1101**********002X",
        read_at=datetime.now(UTC),
        person=PersonInfo(name=name, gender="2", nation="01", birth_date="19490101"),
    )


def test_an_id_card_fills_in_the_visitors_name_the_keys_cannot_type(core: Core) -> None:
    core.session.scan(_id_card_scan("王小华"))
    assert core.session.view.screen == Screen.UNKNOWN
    core.session.open(Action.VISITOR)
    assert core.session.view.visitor.name == "王小华"
    core.session.set_visitor(phone="13800138000", consent=True)
    core.session.submit_visitor()
    body = _payloads(core)[-1]["body"]
    assert isinstance(body, dict) and body["name"] == "王小华"  # sent only with consent
    assert body["credential"] == {"kind": "id_card", "value": "ab" * 32}


def test_an_id_card_swiped_on_the_form_fills_an_empty_name_only(core: Core) -> None:
    core.session.open(Action.VISITOR)
    core.session.scan(_id_card_scan("王小华"))
    assert core.session.view.visitor.name == "王小华"
    core.session.set_visitor(name="Wang Xiaohua")
    core.session.scan(_id_card_scan("王小华"))
    assert core.session.view.visitor.name == "Wang Xiaohua"  # what the person typed stands
