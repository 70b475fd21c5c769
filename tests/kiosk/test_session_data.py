"""What a stored request is about, as the person sees it: names, never ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core.session_data import room_choices
from kiosk.core.session_views import Action, Named, Tracked
from protocol.messages import MessageType
from protocol.reference import Room, RoomsSnapshot
from protocol.replies import ReplyStatus
from tests.kiosk.fixtures import MEMBER_CARD, STATION, Core, scan_of


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Core]:
    made = Core(tmp_path)
    yield made
    made.close()


def _register_member(core: Core) -> str:
    core.session.scan(scan_of(MEMBER_CARD))
    core.session.register_member()
    tracked = core.session.view.tracked
    assert tracked is not None
    return tracked.request_id


def _my_member_registration(core: Core) -> Tracked:
    core.session.home()
    core.session.scan(scan_of(MEMBER_CARD))
    core.session.open(Action.MY_REQUESTS)
    return next(
        item for item in core.session.view.my_requests if item.type == MessageType.MEMBER_REGISTER
    )


def test_member_registration_shows_no_organisation_id_before_the_hub_names_it(
    core: Core,
) -> None:
    _register_member(core)
    item = _my_member_registration(core)
    assert item.subject is None  # the screen words it; "org-st01" is not a name
    assert item.subject_id == f"org-{STATION}"


def test_member_registration_takes_the_organisation_name_from_the_hubs_answer(
    core: Core,
) -> None:
    core.reply(
        _register_member(core),
        ReplyStatus.OK,
        "member_registered",
        organisation_id=f"org-{STATION}",
        organisation_zh="金融大厦楼宇联合党支部",
        organisation_en="Finance Tower joint Party branch",
    )
    item = _my_member_registration(core)
    assert item.subject == Named("金融大厦楼宇联合党支部", "Finance Tower joint Party branch")


class _Rooms:
    """A reference source holding only a rooms snapshot."""

    def __init__(self, *rooms: Room) -> None:
        self._snapshot = RoomsSnapshot(
            v=1,
            type="reference",
            name="rooms",
            station=STATION,
            version=1,
            generated_at=datetime.now(UTC),
            items=list(rooms),
        )

    def rooms(self) -> RoomsSnapshot:
        return self._snapshot


def test_a_room_of_another_station_carries_its_name_or_none_from_an_older_hub() -> None:
    named = Room(
        id="st02-cafe",
        station="st02",
        name_zh="咖啡角",
        name_en="Coffee corner",
        capacity=8,
        station_zh="国贸站",
        station_en="Trade Centre",
    )
    unnamed = Room(id="st03-hall", station="st03", name_zh="议事厅", name_en="Hall", capacity=9)
    choices = {c.id: c for c in room_choices(_Rooms(named, unnamed), STATION) or ()}  # type: ignore[arg-type]
    assert choices["st02-cafe"].station_name == Named("国贸站", "Trade Centre")
    assert choices["st03-hall"].station_name is None  # the screen says "nearby station"
