"""Hub <-> central sync, inside the hub process: a few threads and the database.

- the push threads send the outbox (``sync.pusher``) every
  ``push_interval_s``, at once again while batches come back full, and
  back off with jitter (``sync.backoff``) while central cannot be reached;
  one thread on SQLite, ``PUSHERS_ON_POSTGRESQL`` on PostgreSQL, so one
  batch is on its way while central commits the one before;
- the pull thread, every ``pull_interval_s``, applies central's change
  feeds (``sync.feeds``) and decides online bookings (``sync.online_bookings``).

All state is in the hub's database (``sync_outbox``, ``sync_cursors``,
``roster``, ``inbox``), so a restarted hub resumes where it stopped. The
threads never die on an error: they log it and back off. Progress is on
``/metrics`` as ``lianxin_sync_*``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from config.metrics import Metrics
from config.settings import CentralLinkSettings
from hub.inbox import Inbox
from sync import outbox
from sync.backoff import retry_delay
from sync.client import CallFailure, CentralClient
from sync.feeds import FeedHandler, FeedPuller
from sync.online_bookings import OnlineBookingRelay
from sync.pusher import Pusher, PushReport, pushers_for

log = logging.getLogger(__name__)
T = TypeVar("T")

_HELP = {
    "lianxin_sync_last_success_unixtime": "last time central answered a sync call (unix s)",
    "lianxin_sync_waiting_items": "outbox records waiting to be sent to central",
    "lianxin_sync_oldest_waiting_age_seconds": "age of the oldest waiting outbox record",
    "lianxin_sync_parked_items": "outbox records central rejected, waiting for staff",
    "lianxin_sync_pushed_total": "outbox records central answered, by result",
    "lianxin_sync_failures_total": "sync calls that got no usable answer, by call",
    "lianxin_sync_feed_items_total": "change-feed entries applied, by feed",
    "lianxin_sync_online_bookings_total": "online bookings decided, by status",
}


class SyncService:
    """Pushes the hub's sync outbox to central and pulls change feeds from it."""

    def __init__(
        self,
        settings: CentralLinkSettings,
        sessions: sessionmaker[Session],
        metrics: Metrics,
        base_dir: Path,
        on_reference_changed: Callable[[str], None],
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._metrics = metrics
        self._base_dir = base_dir
        self._on_reference_changed = on_reference_changed
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._domain_handlers: dict[str, FeedHandler] = {}
        for name, text in _HELP.items():
            metrics.describe(name, text)

    def handle_feed(self, feed: str, handler: FeedHandler) -> None:
        """Give ``rooms``, ``activities`` or ``catalogue`` entries to the domain (before start)."""
        self._domain_handlers[feed] = handler

    def start(self) -> None:
        self._update_backlog()
        pushers = [(f"sync-push-{n}", self._push_loop) for n in range(pushers_for(self._sessions))]
        for name, loop in [*pushers, ("sync-pull", self._pull_loop)]:
            thread = threading.Thread(target=loop, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("sync to %s started", self._settings.url, extra={"event": "sync_started"})

    def stop(self) -> None:
        """Stop the threads; an HTTP call under way ends within ``timeout_s``."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self._settings.timeout_s + 5)

    # -- the two loops ----------------------------------------------------------------

    def _push_loop(self) -> None:
        client = self._client()
        if client is None:
            return
        pusher = Pusher(self._sessions, client.push, self._metrics, self._settings.batch_size)
        failures = 0
        while not self._stop.is_set():
            outcome = self._guarded("push", pusher.push_once)
            self._update_backlog()
            if isinstance(outcome, PushReport):
                failures = 0
                if outcome.sent or outcome.parked or outcome.unanswered:
                    self._succeeded()
                delay = 0.0 if outcome.full else self._settings.push_interval_s
            elif outcome.refused_as_malformed:
                failures = 0  # progress: the batch was split, or one record parked
                delay = 0.0
            else:
                failures += 1
                delay = self._delay(outcome, failures)
            self._stop.wait(delay)
        client.close()

    def _pull_loop(self) -> None:
        client = self._client()
        if client is None:
            return
        puller = FeedPuller(self._sessions, client.feed, self._metrics, self._on_reference_changed)
        for feed, handler in self._domain_handlers.items():
            puller.handle(feed, handler)
        relay = OnlineBookingRelay(
            Inbox(self._sessions), client.pending_bookings, client.post_decision, self._metrics
        )
        failures = 0
        while not self._stop.is_set():
            outcome = self._guarded("feeds", puller.pull_all)
            if outcome is None:
                outcome = self._guarded("online_bookings", relay.relay_once)
            if outcome is None:
                failures = 0
                self._succeeded()
                delay = self._settings.pull_interval_s
            else:
                failures += 1
                delay = min(self._delay(outcome, failures), self._settings.pull_interval_s * 4)
            self._stop.wait(delay)
        client.close()

    # -- helpers ----------------------------------------------------------------------

    def _client(self) -> CentralClient | None:
        """A client once the token can be read; retried slowly until stopped."""
        token_path = _resolve(self._base_dir, self._settings.token_file)
        ca = self._settings.tls_ca_file
        while not self._stop.is_set():
            try:
                token = token_path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                log.error(
                    "cannot read the central token %s: %s; sync waits",
                    token_path,
                    exc.strerror,
                    extra={"event": "sync_token_unreadable"},
                )
                self._stop.wait(self._settings.retry_max_s)
                continue
            return CentralClient(
                self._settings.url,
                token,
                timeout_s=self._settings.timeout_s,
                tls_ca_file=_resolve(self._base_dir, ca) if ca else None,
            )
        return None

    def _guarded(self, call: str, step: Callable[[], T]) -> T | CallFailure:
        """Run one step; a failure (or a database error) is counted, logged and returned."""
        try:
            outcome: T | CallFailure = step()
        except Exception as exc:
            log.exception("sync %s step failed", call, extra={"event": "sync_step_error"})
            outcome = CallFailure(f"{type(exc).__name__}: {exc}", retryable=True)
        if isinstance(outcome, CallFailure):
            self._metrics.inc("lianxin_sync_failures_total", call=call)
            log.warning("sync %s: %s", call, outcome.reason, extra={"event": "sync_call_failed"})
        return outcome

    def _delay(self, failure: CallFailure, failures: int) -> float:
        if not failure.retryable:
            # 401/403/404: a configuration problem that retrying soon cannot fix.
            return self._settings.retry_max_s
        return retry_delay(failures, self._settings.retry_min_s, self._settings.retry_max_s)

    def _succeeded(self) -> None:
        self._metrics.set("lianxin_sync_last_success_unixtime", time.time())

    def _update_backlog(self) -> None:
        try:
            with self._sessions() as session:
                backlog = outbox.backlog(session)
        except Exception:
            log.exception("cannot count the outbox", extra={"event": "sync_backlog_error"})
            return
        self._metrics.set("lianxin_sync_waiting_items", backlog.waiting)
        self._metrics.set("lianxin_sync_oldest_waiting_age_seconds", backlog.oldest_waiting_age_s)
        self._metrics.set("lianxin_sync_parked_items", backlog.parked)


def _resolve(base_dir: Path, name: str) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() else base_dir / path
