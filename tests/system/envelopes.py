"""Hand-made request envelopes, as a third-party kiosk would publish them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from protocol.ids import new_request_id
from protocol.topics import request_topic


def check_in(
    station: str = "st01",
    kiosk: str = "k1",
    seq: int = 1,
    card: str = "3C00CE754C",
    request_id: str | None = None,
) -> tuple[str, bytes, str]:
    """(topic, payload, request id) for a valid check-in."""
    request_id = request_id or new_request_id()
    now = datetime.now(UTC).isoformat()
    payload = {
        "v": 1,
        "id": request_id,
        "type": "check_in",
        "station": station,
        "kiosk": kiosk,
        "kiosk_time": now,
        "seq": seq,
        "lang": "zh_CN",
        "body": {"credential": {"kind": "rfid_em4100", "value": card}, "read_at": now},
    }
    return request_topic(station, kiosk, "check_in"), json.dumps(payload).encode(), request_id
