"""Topic names: the one place that knows how topics are spelled.

    lianxin/v1/st/{station}/k/{kiosk}/req/{type}   kiosk -> hub, QoS 1
    lianxin/v1/st/{station}/k/{kiosk}/reply        hub -> kiosk, QoS 1
    lianxin/v1/st/{station}/k/{kiosk}/status       retained; last will = offline
    lianxin/v1/st/{station}/ref/{name}             retained reference data
    lianxin/v1/hub/status                          retained; last will = offline

The reply topic is fixed per kiosk so the contract also works on MQTT 3.1.1
brokers (no ResponseTopic property); on MQTT 5 the hub still honours a
ResponseTopic when a request carries one that points at the same kiosk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from protocol.errors import ErrorCode, ProtocolError

PREFIX = "lianxin/v1"
HUB_STATUS_TOPIC = f"{PREFIX}/hub/status"
REQUEST_FILTER = f"{PREFIX}/st/+/k/+/req/#"
SHARED_GROUP = "hub"
SHARED_REQUEST_FILTER = f"$share/{SHARED_GROUP}/{REQUEST_FILTER}"
STATUS_FILTER = f"{PREFIX}/st/+/k/+/status"

# Station and kiosk ids are single topic levels: no '/', '+', '#', no spaces.
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
_NAME = re.compile(NAME_PATTERN)
_REQUEST = re.compile(r"^lianxin/v1/st/(?P<station>[^/]+)/k/(?P<kiosk>[^/]+)/req/(?P<type>[^/]+)$")


def is_valid_name(name: str) -> bool:
    """True when ``name`` can be a station or kiosk id (one safe topic level)."""
    return bool(_NAME.match(name))


def request_topic(station: str, kiosk: str, message_type: str) -> str:
    return f"{PREFIX}/st/{station}/k/{kiosk}/req/{message_type}"


def reply_topic(station: str, kiosk: str) -> str:
    return f"{PREFIX}/st/{station}/k/{kiosk}/reply"


def kiosk_status_topic(station: str, kiosk: str) -> str:
    return f"{PREFIX}/st/{station}/k/{kiosk}/status"


def reference_topic(station: str, name: str) -> str:
    return f"{PREFIX}/st/{station}/ref/{name}"


def reference_filter(station: str) -> str:
    """Every reference table of one station (a kiosk subscribes to this)."""
    return f"{PREFIX}/st/{station}/ref/+"


@dataclass(frozen=True)
class RequestTopic:
    """The parts of a request topic, already checked to be valid names."""

    station: str
    kiosk: str
    message_type: str

    @property
    def reply_topic(self) -> str:
        return reply_topic(self.station, self.kiosk)


# Request topics already parsed and found valid, at most _PARSED_MAX (then
# started afresh): a hub sees the same few per kiosk over and over.
_PARSED: dict[str, RequestTopic] = {}
_PARSED_MAX = 4096


def parse_request_topic(topic: str) -> RequestTopic | ProtocolError:
    """Split a request topic into station, kiosk and type, or say why not.

    A valid topic's parts are kept (``_PARSED``): the two regular
    expressions cost ~1.2 µs, a second look ~0.06, on every request the
    hub takes. Only valid topics are kept, so junk cannot crowd them out
    for long.
    """
    parsed = _PARSED.get(topic)
    if parsed is not None:
        return parsed
    match = _REQUEST.match(topic)
    if match is None:
        return ProtocolError(ErrorCode.BAD_TOPIC, f"not a request topic: {topic!r}")
    station, kiosk = match["station"], match["kiosk"]
    if not (is_valid_name(station) and is_valid_name(kiosk)):
        return ProtocolError(
            ErrorCode.BAD_TOPIC,
            f"station and kiosk must match {NAME_PATTERN}: {station!r}, {kiosk!r}",
        )
    parsed = RequestTopic(station, kiosk, match["type"])
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[topic] = parsed
    return parsed
