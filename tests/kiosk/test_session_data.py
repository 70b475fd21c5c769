"""What a stored request is about, as the person sees it: names, never ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core.session_views import Action, Named, Tracked
from protocol.codec import encode
from protocol.messages import MessageType
from protocol.replies import Reply, ReplyStatus
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
    request_id = _register_member(core)
    reply = Reply(
        v=1,
        type="reply",
        request_id=request_id,
        request_type=None,
        station=STATION,
        kiosk="k1",
        status=ReplyStatus.OK,
        code="member_registered",
        message="报到成功",
        hub_time=datetime.now(UTC),
        result={
            "organisation_id": f"org-{STATION}",
            "organisation_zh": "金融大厦楼宇联合党支部",
            "organisation_en": "Finance Tower joint Party branch",
        },
    )
    core.outbox.mark_replied(request_id, "ok", reply.code, encode(reply).decode())
    core.session.on_reply(reply)
    item = _my_member_registration(core)
    assert item.subject == Named("金融大厦楼宇联合党支部", "Finance Tower joint Party branch")
