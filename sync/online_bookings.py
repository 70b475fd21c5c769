"""Online bookings from central become hub requests, decided like a kiosk's.

The hub is the single writer of its rooms' calendars, so an online booking
gets no special path: it is turned into a ``booking_create`` request from a
pseudo-kiosk "central" and goes through ``Inbox.accept``, the same
transaction, rules and idempotency as a request from a touchscreen. Its id
is a UUIDv5 of central's booking number, so polling the same booking again
(after a lost answer, a restart, or on another hub worker) is the same
request, and the inbox hands back the original decision. The decision is
then posted to central, which stores it once.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC
from typing import Any

from pydantic import ValidationError

from config.metrics import Metrics
from hub.inbox import Inbox
from protocol.messages import BookingCreateRequest, MessageType
from sync.client import CallFailure
from sync.wire import OnlineBooking

log = logging.getLogger(__name__)

CENTRAL_KIOSK = "central"
# Fixed forever: changing it would turn every known online booking into a new request.
ONLINE_BOOKING_NAMESPACE = uuid.UUID("6c1a3f0e-8f0b-5d2a-9b4e-2f6e0c7d1a55")
BATCH = 50

PendingReader = Callable[[int], "list[OnlineBooking] | CallFailure"]
DecisionPoster = Callable[[int, dict[str, Any]], "CallFailure | None"]


def request_id_for(booking_id: int) -> str:
    """The hub request id for central's online booking ``booking_id``; stable."""
    return str(uuid.uuid5(ONLINE_BOOKING_NAMESPACE, f"online-booking:{booking_id}"))


def request_for(booking: OnlineBooking) -> BookingCreateRequest:
    """The booking as a request from the pseudo-kiosk "central" (raises ValidationError)."""
    envelope = {
        "v": 1,
        "id": request_id_for(booking.id),
        "type": MessageType.BOOKING_CREATE.value,
        "station": booking.station,
        "kiosk": CENTRAL_KIOSK,
        "kiosk_time": booking.created_at.astimezone(UTC).isoformat(),
        "seq": booking.id,
        "lang": booking.lang,
        "body": {
            "credential": booking.credential.model_dump(mode="json"),
            "room_id": booking.room_id,
            "start": booking.start.isoformat(),
            "end": booking.end.isoformat(),
            "note": booking.note,
        },
    }
    # Through JSON, exactly as a kiosk's request is parsed.
    return BookingCreateRequest.model_validate_json(json.dumps(envelope))


class OnlineBookingRelay:
    def __init__(
        self,
        inbox: Inbox,
        read_pending: PendingReader,
        post_decision: DecisionPoster,
        metrics: Metrics,
    ) -> None:
        self._inbox = inbox
        self._read_pending = read_pending
        self._post_decision = post_decision
        self._metrics = metrics

    def relay_once(self) -> CallFailure | None:
        """Decide every pending online booking central offers now; post each decision."""
        pending = self._read_pending(BATCH)
        if isinstance(pending, CallFailure):
            return pending
        for booking in pending:
            decision = self._decide(booking)
            failure = self._post_decision(booking.id, decision)
            if failure is not None and failure.status == 409:
                # Another hub worker posted first; central keeps the first decision.
                log.info("online booking %d already decided", booking.id)
            elif failure is not None and failure.retryable:
                return failure
            elif failure is not None:
                # Central refused this decision for good; the others must not wait on it.
                log.error(
                    "central refused the decision on online booking %d: %s",
                    booking.id,
                    failure.reason,
                    extra={"event": "sync_decision_refused", "station": booking.station},
                )
            self._metrics.inc("lianxin_sync_online_bookings_total", status=decision["status"])
        return None

    def _decide(self, booking: OnlineBooking) -> dict[str, Any]:
        context = {"station": booking.station, "kiosk": CENTRAL_KIOSK}
        try:
            request = request_for(booking)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"]
            log.warning(
                "online booking %d cannot be a hub request: %s",
                booking.id,
                reason,
                extra={"event": "sync_online_booking_bad", **context},
            )
            return {
                "request_id": request_id_for(booking.id),
                "status": "error",
                "code": "bad_schema",
                "message": f"not a valid booking request: {reason}"[:500],
                "result": {},
            }
        accepted = self._inbox.accept(request)
        reply = accepted.reply
        log.info(
            "online booking %d decided: %s/%s",
            booking.id,
            reply.status.value,
            reply.code,
            extra={
                "event": "sync_online_booking_decided",
                "request_id": request.id,
                "code": reply.code,
                **context,
            },
        )
        return {
            "request_id": request.id,
            "status": reply.status.value,
            "code": reply.code,
            "message": reply.message,
            "result": reply.result,
        }
