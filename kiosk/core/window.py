"""What the kiosk sends next and when: the in-flight window and the pace.

The outbox on disk is the truth; the window is a memory of the part of it
being worked on: requests read from disk but not yet published (oldest
first) and requests published but not yet answered. The next page is read
from disk only when every request read so far has been published, so a
queue of 100,000 costs one small query per page, not one per wake-up, and
memory stays at two windows' worth whatever the queue's length.

Owned by the link's sender thread; not thread-safe.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from kiosk.core.outbox import Outbox, OutboxEntry


class SendWindow:
    """At most ``max_in_flight`` requests published and unanswered, taken in order.

    A request unanswered ``resend_after_s`` after it was published goes back
    to the front of the queue, ahead of newer ones, so replay stays in order.
    """

    def __init__(self, outbox: Outbox, max_in_flight: int, resend_after_s: float) -> None:
        self._outbox = outbox
        self._max_in_flight = max_in_flight
        self._resend_after_s = resend_after_s
        self._unsent: deque[OutboxEntry] = deque()
        # request id -> (entry, monotonic time published), in the order published.
        self._in_flight: dict[str, tuple[OutboxEntry, float]] = {}
        self._read_after = 0  # highest seq read from disk
        self._more_on_disk = True

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def reset(self) -> None:
        """Forget what is in memory: after a reconnect everything unanswered is sent again."""
        self._unsent.clear()
        self._in_flight.clear()
        self._read_after = 0
        self._more_on_disk = True

    def more_on_disk(self) -> None:
        """A request may have been added to the outbox since the last page was read."""
        self._more_on_disk = True

    def offer(self, entry: OutboxEntry) -> None:
        """``entry`` was just written to the outbox: queue it without reading it back.

        Only when it is the next in sequence after what was read, and the
        queue has room for it (a kiosk offline for a week keeps its backlog
        on disk, not here); otherwise it is read with its page, as any
        request added without being offered. A swipe so skips a read of the
        outbox between its write and its publish.
        """
        if entry.seq == self._read_after + 1 and len(self._unsent) < self._max_in_flight:
            self._unsent.append(entry)
            self._read_after = entry.seq
        else:
            self._more_on_disk = True

    def next_to_send(self) -> OutboxEntry | None:
        """The oldest request not in flight, if the window has room; None otherwise."""
        if len(self._in_flight) >= self._max_in_flight:
            return None
        if not self._unsent and self._more_on_disk:
            self._read_page()
        return self._unsent.popleft() if self._unsent else None

    def sent(self, entry: OutboxEntry, now: float) -> None:
        """``entry`` (from ``next_to_send``) was published at monotonic time ``now``."""
        self._in_flight[entry.request_id] = (entry, now)

    def awaits(self, request_id: str) -> bool:
        """True while ``request_id`` is published and its reply not yet taken.

        Such a request is unanswered in the outbox too: only the link's
        thread marks replies, and it takes them out of the window as it does.
        """
        return request_id in self._in_flight

    def answered(self, request_ids: Iterable[str]) -> None:
        """The hub replied to these requests: they leave the window for good."""
        stray = {rid for rid in request_ids if self._in_flight.pop(rid, None) is None}
        if stray and self._unsent:
            # A reply to a copy sent before a reconnect: do not send it again.
            self._unsent = deque(entry for entry in self._unsent if entry.request_id not in stray)

    def requeue_overdue(self, now: float) -> int:
        """Put requests unanswered for ``resend_after_s`` back in front of the queue.

        Returns how many; the in-flight dict is in publish order, so only its
        head needs looking at.
        """
        overdue: list[OutboxEntry] = []
        for entry, sent_at in self._in_flight.values():
            if now - sent_at < self._resend_after_s:
                break
            overdue.append(entry)
        for entry in overdue:
            del self._in_flight[entry.request_id]
        self._unsent.extendleft(sorted(overdue, key=lambda entry: entry.seq, reverse=True))
        return len(overdue)

    def _read_page(self) -> None:
        # Cleared before reading: a request added during the read sets it again.
        self._more_on_disk = False
        page = self._outbox.waiting(self._max_in_flight, after_seq=self._read_after)
        if len(page) == self._max_in_flight:
            self._more_on_disk = True
        if page:
            self._read_after = page[-1].seq
            self._unsent.extend(page)


class Pace:
    """A token bucket: at most ``per_second`` on average, bursts of at most ``burst``."""

    def __init__(self, per_second: float, burst: float, now: float) -> None:
        self._per_second = per_second
        self._burst = max(1.0, burst)
        self._tokens = self._burst
        self._at = now

    def due_in(self, now: float) -> float:
        """Seconds until a token is there at monotonic time ``now``; 0.0 when one is."""
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._per_second)
        self._at = now
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self._per_second

    def take(self) -> None:
        """Spend a token (after ``due_in`` said one is there)."""
        self._tokens -= 1.0
