"""Old personal data is anonymised or deleted; statistics and waiting work stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from config.settings import RetentionSettings
from hub.db import make_engine, migrate, session_factory
from hub.inbox import Inbox
from hub.models import CheckIn, SyncEvent
from hub.retention import ANONYMISED, RetentionJob
from kiosk.core.outbox import Draft, Outbox
from protocol.codec import decode_request
from protocol.messages import CheckInRequest
from tests.system import envelopes

NOW = datetime(2027, 6, 1, tzinfo=UTC)


def _accept_at(inbox_at: datetime, tmp_path: Path, sessions: object) -> None:
    topic, payload, _ = envelopes.check_in()
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest)
    Inbox(sessions, clock=lambda: inbox_at).accept(request)  # type: ignore[arg-type]


def test_old_check_ins_lose_their_credential_and_synced_events_go(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    sessions = session_factory(engine)
    _accept_at(NOW - timedelta(days=500), tmp_path, sessions)
    _accept_at(NOW - timedelta(days=10), tmp_path, sessions)
    with sessions.begin() as session:
        events = session.scalars(select(SyncEvent).order_by(SyncEvent.id)).all()
        events[0].sent_at = NOW - timedelta(days=30)  # confirmed by central long ago
        # events[1] is still waiting for central: it must stay

    changed = RetentionJob(RetentionSettings(), sessions).run_once(NOW)

    assert (changed["check_ins"], changed["sync_outbox"]) == (1, 1)
    with sessions() as session:
        kinds = session.scalars(select(CheckIn.credential_kind).order_by(CheckIn.id)).all()
        remaining = session.scalars(select(SyncEvent.sent_at)).all()
    assert kinds == [ANONYMISED, "rfid_em4100"]  # the old visit still counts, anonymously
    assert remaining == [None]
    assert not any(RetentionJob(RetentionSettings(), sessions).run_once(NOW).values())


def test_kiosk_prunes_answered_requests_never_waiting_ones(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    for seq in range(3):
        outbox.add(lambda n, seq=seq: Draft(f"id-{seq}", "check_in", "t", b"{}"))
    outbox.mark_replied("id-0", "ok", "checked_in", "{}")
    outbox.mark_replied("id-1", "ok", "checked_in", "{}")

    assert outbox.prune_answered(datetime.now(UTC) + timedelta(seconds=1)) == 2
    assert [entry.request_id for entry in outbox.waiting(10)] == ["id-2"]
    assert outbox.add(lambda n: Draft("id-3", "check_in", "t", b"{}")).seq == 4  # never reused
