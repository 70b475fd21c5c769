"""Release bookings nobody checked in to, after the room's grace time.

``release_no_shows`` is a plain function of the hub's clock so tests can
run it at any instant; ``NoShowTimer`` calls it once a minute on its own
thread. Several workers may run timers at once: each release is a
conditional update (still ``confirmed``?) on a locked row, so a booking is
released once, and its sync event id makes a second try a no-op.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hub.domain.booking import free_booking
from hub.domain.clock import local_iso, utc_now
from hub.domain.models import Booking, BookingStatus, Room
from hub.models import SyncEvent

log = logging.getLogger(__name__)
CHECK_EVERY_S = 60.0


def release_no_shows(session: Session, now: datetime) -> list[int]:
    """Release confirmed bookings whose start + grace has passed; returns their ids."""
    candidates = session.execute(
        select(Booking, Room.no_show_grace_minutes)
        .join(Room, Room.id == Booking.room_id)
        .where(Booking.status == BookingStatus.CONFIRMED.value, Booking.starts_at <= now)
        .order_by(Booking.id)
    ).all()
    released = []
    for booking, grace in candidates:
        if booking.starts_at + timedelta(minutes=grace) > now:
            continue
        locked = session.get(Booking, booking.id, with_for_update=True, populate_existing=True)
        if locked is None or locked.status != BookingStatus.CONFIRMED.value:
            continue  # checked in or released by another worker meanwhile
        free_booking(session, locked, BookingStatus.RELEASED, now)
        session.add(_sync_event(locked, now))
        released.append(locked.id)
        log.info(
            "released no-show booking %s in %s from %s",
            locked.public_id,
            locked.room_id,
            local_iso(locked.starts_at),
            extra={
                "event": "no_show_released",
                "station": locked.station,
                "request_id": locked.request_id,
            },
        )
    return released


def _sync_event(booking: Booking, now: datetime) -> SyncEvent:
    """Central learns of the release like any other recorded change."""
    event_id = f"release-{booking.request_id}"
    payload = {
        "event_id": event_id,
        "kind": "booking_released",
        "station": booking.station,
        "hub_time": now.isoformat(),
        "result": {"booking_id": booking.public_id, "room_id": booking.room_id},
    }
    return SyncEvent(
        event_id=event_id,
        kind="booking_released",
        station=booking.station,
        payload_json=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        created_at=now,
        attempts=0,
    )


class NoShowTimer:
    """A daemon thread running ``release_no_shows`` every ``interval_s`` until ``stop()``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = utc_now,
        interval_s: float = CHECK_EVERY_S,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="no-show-release", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                with self._sessions.begin() as session:
                    release_no_shows(session, self._clock())
            except SQLAlchemyError:
                log.exception(
                    "no-show release failed; next round retries", extra={"event": "no_show_failed"}
                )
