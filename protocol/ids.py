"""Request ids made at the kiosk: UUIDv7 (RFC 9562), time-ordered."""

from __future__ import annotations

import re

import uuid6

# Any RFC 9562 UUID in canonical form is accepted on the wire; kiosks we
# build send version 7 so ids sort by creation time.
REQUEST_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def new_request_id() -> str:
    """A fresh UUIDv7 as lower-case canonical text."""
    return str(uuid6.uuid7())


def is_request_id(text: str) -> bool:
    return bool(_REQUEST_ID.match(text))
