"""Bytes <-> messages. Decoding returns a typed message or a ProtocolError.

Checks happen cheapest first (size, JSON, version, type, schema, topic) so
a flood of junk costs little, and every refusal says precisely why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar, cast

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_json

from protocol.errors import ErrorCode, ProtocolError
from protocol.ids import is_request_id
from protocol.messages import REQUEST_MODELS, SCHEMA_VERSION, MessageType, Request
from protocol.reference import Snapshot
from protocol.replies import JsonScalar, KioskStatus, Reply, ReplyStatus
from protocol.topics import RequestTopic, parse_request_topic

MAX_REQUEST_BYTES = 16 * 1024
MAX_REPLY_BYTES = 16 * 1024
MAX_REFERENCE_BYTES = 4 * 1024 * 1024
_MAX_ERRORS_SHOWN = 3

M = TypeVar("M", bound=BaseModel)
_SNAPSHOT = TypeAdapter[Snapshot](Snapshot)


def encode(message: BaseModel) -> bytes:
    """Compact UTF-8 JSON (Chinese text stays readable, not \\u-escaped)."""
    return message.model_dump_json(by_alias=True).encode("utf-8")


def encode_reply(
    *,
    request_id: str | None,
    request_type: str | None,
    station: str,
    kiosk: str,
    status: ReplyStatus,
    code: str,
    message: str,
    hub_time: datetime,
    result: Mapping[str, JsonScalar],
    duplicate: bool = False,
) -> bytes:
    """The bytes ``encode(Reply(...))`` writes for these fields, without making the model.

    For the replies the hub makes itself, one per request it takes:
    validating and then serialising a ``Reply`` took ~7 µs, this ~1.6 (a
    twentieth of the hub's CPU per check-in; docs/performance-rounds.md, fifteenth
    round). The values are not checked again: they are the hub's own
    (a code and message from its catalogue, its clock, its ids).
    ``tests/unit/test_reply_encoding.py`` holds it to ``Reply``, field by
    field and byte for byte, so the model stays the one definition.
    """
    return to_json(
        {
            "v": 1,
            "type": "reply",
            "request_id": request_id,
            "request_type": request_type,
            "station": station,
            "kiosk": kiosk,
            "status": status,
            "code": code,
            "message": message,
            "duplicate": duplicate,
            "hub_time": hub_time,
            "result": result,
        }
    )


def decode_request(topic: str, payload: bytes) -> Request | ProtocolError:
    """Validate a request as it arrives on ``topic``; never raises."""
    parsed_topic = parse_request_topic(topic)
    if isinstance(parsed_topic, ProtocolError):
        return parsed_topic
    if len(payload) > MAX_REQUEST_BYTES:
        return ProtocolError(
            ErrorCode.TOO_LARGE, f"payload is {len(payload)} bytes, limit {MAX_REQUEST_BYTES}"
        )
    # Nearly every request is well formed: validate it against the topic's
    # model in one parse (the model checks the version and type too). Only a
    # refused one is parsed again, step by step, to say precisely why.
    model = REQUEST_MODELS.get(cast(MessageType, parsed_topic.message_type))
    if model is None:  # not a type we know: say so
        return _refusal(parsed_topic, payload)
    try:
        request: Request = model.model_validate_json(payload)
    except ValidationError:
        return _refusal(parsed_topic, payload)
    if b"\\u0000" in payload and _holds_nul(json.loads(payload)):
        # Valid JSON, but no database text column (PostgreSQL's) can hold it.
        return ProtocolError(
            ErrorCode.BAD_SCHEMA, "a text field holds a NUL character (\\u0000)", request.id
        )
    return _on_its_topic(request, parsed_topic)


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _refusal(parsed_topic: RequestTopic, payload: bytes) -> Request | ProtocolError:
    """Why ``payload`` is not a valid request on its topic, cheapest check first."""
    obj = _load_object(payload)
    if isinstance(obj, ProtocolError):
        return obj
    raw_id = obj.get("id")
    request_id = raw_id if isinstance(raw_id, str) and is_request_id(raw_id) else None
    version = obj.get("v")
    if version != SCHEMA_VERSION:
        return ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION,
            f"schema version {version!r} is not supported (this hub speaks {SCHEMA_VERSION})",
            request_id,
        )
    try:
        message_type = MessageType(str(obj.get("type")))
    except ValueError:
        return ProtocolError(
            ErrorCode.UNKNOWN_TYPE, f"unknown message type {obj.get('type')!r}", request_id
        )
    if message_type != parsed_topic.message_type:
        return ProtocolError(
            ErrorCode.TOPIC_MISMATCH,
            f"type {message_type!r} sent on the topic for {parsed_topic.message_type!r}",
            request_id,
        )
    request = _validate(REQUEST_MODELS[message_type], payload, request_id)
    if isinstance(request, ProtocolError):
        return request
    return _on_its_topic(request, parsed_topic)


def _on_its_topic(request: Request, parsed_topic: RequestTopic) -> Request | ProtocolError:
    if (request.station, request.kiosk) != (parsed_topic.station, parsed_topic.kiosk):
        return ProtocolError(
            ErrorCode.TOPIC_MISMATCH,
            f"envelope says station {request.station!r} kiosk {request.kiosk!r}, topic says "
            f"station {parsed_topic.station!r} kiosk {parsed_topic.kiosk!r}",
            request.id,
        )
    return request


def decode_reply(payload: bytes) -> Reply | ProtocolError:
    if len(payload) > MAX_REPLY_BYTES:
        return ProtocolError(ErrorCode.TOO_LARGE, f"reply is {len(payload)} bytes")
    return _validate(Reply, payload, None)


def decode_kiosk_status(payload: bytes) -> KioskStatus | ProtocolError:
    if len(payload) > MAX_REPLY_BYTES:
        return ProtocolError(ErrorCode.TOO_LARGE, f"status is {len(payload)} bytes")
    return _validate(KioskStatus, payload, None)


def decode_snapshot(payload: bytes) -> Snapshot | ProtocolError:
    if len(payload) > MAX_REFERENCE_BYTES:
        return ProtocolError(ErrorCode.TOO_LARGE, f"reference data is {len(payload)} bytes")
    try:
        return _SNAPSHOT.validate_json(payload)
    except ValidationError as exc:
        return ProtocolError(ErrorCode.BAD_SCHEMA, describe_validation_error(exc))


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field and what was expected (first few only)."""
    parts = []
    for error in exc.errors()[:_MAX_ERRORS_SHOWN]:
        where = ".".join(str(part) for part in error["loc"]) or "(message)"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - _MAX_ERRORS_SHOWN
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def _load_object(payload: bytes) -> dict[str, object] | ProtocolError:
    try:
        obj = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ProtocolError(ErrorCode.BAD_JSON, f"payload is not UTF-8 JSON: {exc}")
    except RecursionError:
        return ProtocolError(ErrorCode.BAD_JSON, "payload is nested too deeply")
    if not isinstance(obj, dict):
        return ProtocolError(ErrorCode.BAD_JSON, "payload must be a JSON object")
    return obj


def _validate(model: type[M], payload: bytes, request_id: str | None) -> M | ProtocolError:
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        # JSON Python's parser takes but pydantic's does not (a lone surrogate, \ud800).
        code = (
            ErrorCode.BAD_JSON
            if exc.errors()[0]["type"] == "json_invalid"
            else ErrorCode.BAD_SCHEMA
        )
        return ProtocolError(code, describe_validation_error(exc), request_id)
