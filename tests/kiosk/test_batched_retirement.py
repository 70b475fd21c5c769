"""Replies are retired in batches: a crash before the batch commits loses nothing.

The kiosk forgets a request only once the hub's reply is committed in its
outbox. Dying between taking a reply (and showing it) and committing it
(crash point ``kiosk_before_retire``) leaves the request waiting. The restarted kiosk
has it answered again: by the broker redelivering the reply it never
acknowledged, or by sending it again and the hub answering a duplicate
without storing it twice. Either way the counts are exact.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime

from config.crash_points import ENV as CRASH_AT
from lianxin.tally import read_outbox, tally
from tests.system.stack import Stack
from tests.waiting import wait_until


def test_kiosk_dying_between_reply_and_retire_resends_and_counts_stay_exact(
    stack: Stack,
) -> None:
    hub = stack.hub().start()
    kiosk = stack.kiosk(scans=5).start(env={CRASH_AT: "kiosk_before_retire:1"})
    assert kiosk.process is not None and hub.process is not None

    # The hub stored and answered the first request; the kiosk died holding the reply.
    assert kiosk.process.wait_exit(60) == -signal.SIGKILL
    written, answered = kiosk.outbox()
    assert written >= 1 and answered == 0
    assert hub.count("check_ins") >= 1

    restarted_at = datetime.now(UTC)
    kiosk.process.start()  # power back: the rest of the scans, and the replay
    wait_until(lambda: kiosk.outbox() == (5, 5), 60, "all five answered")
    counts = tally([kiosk.outbox_path], hub.database_url)
    assert (counts.scans, counts.stored, counts.duplicates, counts.lost) == (5, 5, 0, 0)
    # The first request was forgotten only once the restarted kiosk had a reply.
    [[replied_at]] = read_outbox(kiosk.outbox_path, "SELECT replied_at FROM outbox WHERE seq=1")
    assert datetime.fromisoformat(replied_at) > restarted_at
