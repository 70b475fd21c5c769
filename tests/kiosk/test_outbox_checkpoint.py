"""The outbox's WAL reaches its file through the link's checkpoints, not a swipe's commit."""

from __future__ import annotations

from pathlib import Path

from config.settings import BrokerSettings, KioskSettings
from kiosk.core.link import HubLink
from kiosk.core.outbox import AUTOCHECKPOINT_PAGES, WAL_RESERVE_BYTES, Draft, Outbox
from lianxin.broker import free_port
from tests.waiting import wait_until

PAGE = 4096
# A page of payload each, under seven pages of WAL with the indexes and the
# counter: below the net, so no commit checkpoints, and more than the WAL
# reserved at opening, which the database file keeps as free pages.
REQUESTS = 560


def _fill(outbox: Outbox) -> None:
    for _ in range(REQUESTS):
        outbox.add(lambda seq: Draft(f"id-{seq}", "check_in", "t", b"x" * PAGE))


def test_a_checkpoint_copies_the_wal_into_the_file_and_no_commit_did(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    assert WAL_RESERVE_BYTES < REQUESTS * PAGE and REQUESTS * 7 < AUTOCHECKPOINT_PAGES
    opened = path.stat().st_size
    _fill(outbox)
    assert path.stat().st_size == opened  # the commits left every page in the WAL

    assert not outbox.checkpoint(after_commits=REQUESTS + 1)  # not yet: too few commits
    assert outbox.checkpoint(after_commits=REQUESTS)

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


def test_a_fresh_outbox_writes_over_a_reserved_wal_from_its_first_request(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    wal = tmp_path / "outbox.db-wal"
    for opening in ("new", "again after a clean close, which deletes the WAL"):
        outbox = Outbox(path)
        reserved = wal.stat().st_size
        assert reserved >= WAL_RESERVE_BYTES, opening
        for _ in range(100):  # a hundred swipes' requests, ~4 pages each
            outbox.add(lambda seq: Draft(f"id-{seq}", "check_in", "t", b"x" * 400))
        # Every commit wrote over the reserve; none made the file longer.
        assert wal.stat().st_size == reserved, opening
        outbox.close()
    outbox = Outbox(path)
    assert [entry.seq for entry in outbox.waiting(300)] == list(range(1, 201))
    outbox.close()
