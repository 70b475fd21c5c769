"""The outbox's WAL reaches its file through the link's checkpoints, not a swipe's commit."""

from __future__ import annotations

from pathlib import Path

from config.settings import BrokerSettings, KioskSettings
from kiosk.core.link import HubLink
from kiosk.core.outbox import AUTOCHECKPOINT_PAGES, Draft, Outbox
from lianxin.broker import free_port
from tests.waiting import wait_until

PAGE = 4096
REQUESTS = 500  # about two pages each: well under the net, so no commit checkpoints


def _fill(outbox: Outbox) -> None:
    for _ in range(REQUESTS):
        outbox.add(lambda seq: Draft(f"id-{seq}", "check_in", "t", b"x" * PAGE))


def test_a_checkpoint_copies_the_wal_into_the_file_and_no_commit_did(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    assert REQUESTS * 2 < AUTOCHECKPOINT_PAGES
    _fill(outbox)
    before = path.stat().st_size

    assert not outbox.checkpoint(after_commits=REQUESTS + 1)  # not yet: too few commits
    assert outbox.checkpoint(after_commits=REQUESTS)

    assert before < 50 * PAGE  # the commits left every page in the WAL
    assert path.stat().st_size >= REQUESTS * PAGE
    assert len(outbox.waiting(REQUESTS)) == REQUESTS
    outbox.close()


def test_the_link_checkpoints_the_outbox_even_without_a_broker(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    _fill(outbox)
    nobody = BrokerSettings(port=free_port(), reconnect_min_s=0.2, reconnect_max_s=1)
    link = HubLink(KioskSettings(station="st01", kiosk="k1", broker=nobody), outbox)
    link.start()
    try:
        wait_until(
            lambda: path.stat().st_size >= REQUESTS * PAGE, 30, "the outbox's WAL checkpointed"
        )
    finally:
        link.stop()
        outbox.close()
