"""The kiosk's send window and pace: order, bounds and paging, without a broker."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.outbox import Draft, Outbox, OutboxEntry, ReplyRecord
from kiosk.core.window import Pace, SendWindow


class CountingOutbox(Outbox):
    """An outbox that counts how often the window reads a page from disk."""

    pages = 0

    def waiting(self, limit: int, after_seq: int = 0) -> list[OutboxEntry]:
        self.pages += 1
        return super().waiting(limit, after_seq)


def filled(tmp_path: Path, count: int) -> CountingOutbox:
    outbox = CountingOutbox(tmp_path / "outbox.db")
    for _ in range(count):
        add(outbox)
    return outbox


def add(outbox: Outbox) -> OutboxEntry:
    return outbox.add(lambda seq: Draft(f"id-{seq}", "check_in", "t", b"{}"))


def take_all(window: SendWindow, now: float = 0.0) -> list[int]:
    taken = []
    while (entry := window.next_to_send()) is not None:
        window.sent(entry, now)
        taken.append(entry.seq)
    return taken


def test_window_sends_in_order_and_never_more_than_max_in_flight(tmp_path: Path) -> None:
    window = SendWindow(filled(tmp_path, 10), max_in_flight=4, resend_after_s=30)
    assert take_all(window) == [1, 2, 3, 4]
    window.answered(["id-1", "id-3"])
    assert take_all(window) == [5, 6]
    assert window.in_flight == 4


def test_next_page_is_read_only_when_the_last_one_is_sent(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 10)
    window = SendWindow(outbox, max_in_flight=4, resend_after_s=30)
    sent = take_all(window)
    for _ in range(20):  # many wake-ups with replies: no disk reads while the page lasts
        window.answered([f"id-{sent[-1]}"])
        sent += take_all(window)
    assert sent == list(range(1, 11))
    assert outbox.pages == 3  # pages of 4, 4 and 2; a short page means the end


def test_overdue_request_is_resent_ahead_of_newer_ones(tmp_path: Path) -> None:
    window = SendWindow(filled(tmp_path, 6), max_in_flight=3, resend_after_s=30)
    assert take_all(window, now=0.0) == [1, 2, 3]
    window.answered(["id-2"])
    assert take_all(window, now=10.0) == [4]
    assert window.requeue_overdue(now=31.0) == 2  # 1 and 3; 4 is not due yet
    assert take_all(window, now=31.0) == [1, 3]
    window.answered(["id-1", "id-3", "id-4"])
    assert take_all(window, now=32.0) == [5, 6]


def test_reply_to_a_copy_from_before_a_reconnect_is_not_sent_again(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 3)
    window = SendWindow(outbox, max_in_flight=3, resend_after_s=30)
    assert take_all(window) == [1, 2, 3]
    window.reset()  # reconnected: all three are unanswered, so all are queued again
    first = window.next_to_send()
    assert first is not None and first.seq == 1
    window.sent(first, 0.0)
    window.answered(["id-2"])  # the reply to the first copy of 2 arrives now
    assert take_all(window) == [3]


def test_reset_sends_everything_unanswered_again_in_order(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 5)
    window = SendWindow(outbox, max_in_flight=3, resend_after_s=30)
    assert take_all(window) == [1, 2, 3]
    outbox.mark_replied("id-2", "ok", "checked_in", "{}")
    window.reset()
    assert take_all(window) == [1, 3, 4]


def test_request_added_later_is_sent_once_the_window_hears_of_it(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 1)
    window = SendWindow(outbox, max_in_flight=5, resend_after_s=30)
    assert take_all(window) == [1]
    add(outbox)
    assert take_all(window) == []  # not looked for: nothing said it was there
    window.more_on_disk()
    assert take_all(window) == [2]


def test_replies_marked_together_report_only_the_newly_answered(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 3)
    outbox.mark_replied("id-1", "ok", "checked_in", "{}")
    fresh = outbox.mark_replied_many(
        [ReplyRecord(rid, "ok", "checked_in", "{}") for rid in ("id-1", "id-2", "id-9", "id-2")]
    )
    assert fresh == {"id-2"}
    assert [entry.seq for entry in outbox.waiting(10)] == [3]
    assert [entry.seq for entry in outbox.waiting(10, after_seq=3)] == []


def test_pace_allows_a_burst_then_one_request_per_interval() -> None:
    pace = Pace(per_second=100, burst=3, now=0.0)
    for _ in range(3):
        assert pace.due_in(0.0) == 0.0
        pace.take()
    assert pace.due_in(0.0) > 0.0
    assert pace.due_in(0.01) == 0.0  # one interval later, one more token
    pace.take()
    assert pace.due_in(0.01) > 0.0


def test_a_request_offered_next_in_sequence_is_sent_without_reading_the_outbox(
    tmp_path: Path,
) -> None:
    outbox = filled(tmp_path, 2)
    window = SendWindow(outbox, max_in_flight=10, resend_after_s=30)
    assert take_all(window) == [1, 2]
    pages = outbox.pages

    sent = []
    for _ in range(3):  # swipes, each handed over as written
        window.offer(add(outbox))
        sent += take_all(window)

    assert sent == [3, 4, 5]
    assert outbox.pages == pages  # none of the three was read back


def test_a_request_offered_out_of_sequence_is_read_from_disk_in_order(tmp_path: Path) -> None:
    outbox = filled(tmp_path, 2)
    window = SendWindow(outbox, max_in_flight=10, resend_after_s=30)
    assert take_all(window) == [1, 2]
    add(outbox)  # written without being offered (a wake-up that carried nothing)
    window.offer(add(outbox))  # 4 is not next after 2: the window reads 3 and 4 instead

    assert take_all(window) == [3, 4]


def test_offers_beyond_a_page_stay_on_disk(tmp_path: Path) -> None:
    """A kiosk offline for a week: its backlog is on disk, not in the window's memory."""
    outbox = filled(tmp_path, 0)
    window = SendWindow(outbox, max_in_flight=3, resend_after_s=30)
    for _ in range(10):
        window.offer(add(outbox))

    assert take_all(window) == [1, 2, 3]
    for seq in (1, 2, 3):
        window.answered([f"id-{seq}"])
    assert take_all(window) == [4, 5, 6]
    for seq in range(4, 10):
        window.answered([f"id-{seq}"])
        take_all(window)
    assert take_all(window) == [] and window.in_flight == 1  # 10 is the last, in flight
