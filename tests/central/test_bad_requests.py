"""A body central cannot use gets one short sentence, a log line naming the caller, a count."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from central.bad_requests import MAX_DETAIL_CHARS
from tests.central.stack import Central
from tests.waiting import wait_until

JSON = "application/json"
BAD_REQUESTS = "lianxin_central_bad_requests_total"


def post(central: Central, path: str, body: bytes, content_type: str = JSON) -> requests.Response:
    headers = {"Authorization": f"Bearer {central.hub_token}", "Content-Type": content_type}
    return requests.post(central.url + path, data=body, headers=headers, timeout=30)


def refused(central: Central, reason: str, caller: str | None = None) -> int:
    """How many requests central's /metrics says it refused from ``caller`` for ``reason``."""
    text = requests.get(f"http://127.0.0.1:{central.http_port}/metrics", timeout=10).text
    series = f'{BAD_REQUESTS}{{caller="{caller or central.hub_id}",reason="{reason}"}} '
    lines = [line for line in text.splitlines() if line.startswith(series)]
    return int(lines[0].rsplit(" ", 1)[1]) if lines else 0


def check_in(event_id: str, **payload_extra: Any) -> dict[str, Any]:
    payload = {
        "event_id": event_id,
        "kind": "check_in",
        "station": "st01",
        "body": {
            "credential": {"kind": "rfid_em4100", "value": "3C00CE754C"},
            "read_at": "2026-11-29T04:05:00Z",
        },
        **payload_extra,
    }
    return {"event_id": event_id, "kind": "check_in", "station": "st01", "payload": payload}


@pytest.mark.parametrize(
    ("body", "content_type", "reason", "says"),
    [
        (b'{"items": [', JSON, "json_invalid", "not valid JSON"),
        (b"x" * 1_000_000, "text/plain", "not_json", "Content-Type: application/json"),
        (b'{"items": ["caf\xe9"]}', JSON, "json_invalid", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, JSON, "json_invalid", "nested too deeply"),
        (json.dumps({"items": [1] * 1000}).encode(), JSON, "schema", "999 more problems"),
    ],
    ids=["malformed", "text-plain-1MB", "latin-1", "deeply-nested", "1000-bad-items"],
)
def test_unusable_body_gets_one_sentence_a_log_line_and_a_count(
    live: Central, body: bytes, content_type: str, reason: str, says: str
) -> None:
    before = refused(live, reason)
    answer = post(live, "/events", body, content_type)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert isinstance(detail, str)
    assert says in detail
    assert len(answer.content) < MAX_DETAIL_CHARS + 50  # the input is never echoed back
    assert refused(live, reason) == before + 1
    process = live.process
    assert process is not None
    line = f"from {live.hub_id}: {detail} event=central_bad_request code={reason}"
    wait_until(lambda: line in process.log(), 10, "the refusal logged")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_refused_and_nothing_is_stored(live: Central, number: str) -> None:
    event_id = f"nan-{number}"
    text = json.dumps({"items": [check_in(event_id, note="__NUMBER__")]})
    answer = post(live, "/events", text.replace('"__NUMBER__"', number).encode())
    assert answer.status_code == 422
    assert "not valid JSON" in answer.json()["detail"]
    assert event_id not in live.event_ids()
    # The same record with a finite number is stored: only the number was wrong.
    fine = post(live, "/events", text.replace('"__NUMBER__"', "1.5").encode())
    assert [r["status"] for r in fine.json()["results"]] == ["accepted"]


def test_admin_bodies_are_parsed_as_strictly(live: Central) -> None:
    before = refused(live, "json_invalid", caller="admin")
    answer = requests.put(
        live.url + "/admin/feeds/rooms/hall",
        data=b'{"data": {"capacity": NaN}}',
        headers={"Authorization": f"Bearer {live.admin_token}", "Content-Type": JSON},
        timeout=10,
    )
    assert answer.status_code == 422
    assert isinstance(answer.json()["detail"], str)
    assert refused(live, "json_invalid", caller="admin") == before + 1


def test_a_body_over_the_limit_is_counted_and_logged_too(live: Central) -> None:
    before = refused(live, "too_large")
    answer = post(live, "/events", b'{"items": [' + b" " * (17 * 1024 * 1024) + b"]}")
    assert answer.status_code == 413
    assert refused(live, "too_large") == before + 1
    process = live.process
    assert process is not None
    line = f"from {live.hub_id}: request body over"
    wait_until(lambda: line in process.log(), 10, "the refusal logged")


@pytest.mark.parametrize(
    ("token", "says"), [(None, "a bearer token is required"), ("x", "unknown token")]
)
def test_a_caller_without_a_valid_token_gets_401_whatever_its_body(
    live: Central, token: str | None, says: str
) -> None:
    """FastAPI reads a body before the token check; a stranger must not learn what was wrong."""
    headers = {"Content-Type": JSON} | ({"Authorization": f"Bearer {token}"} if token else {})
    answer = requests.post(live.url + "/events", data=b'{"items": [', headers=headers, timeout=30)
    assert answer.status_code == 401
    assert answer.json() == {"detail": says}
    assert answer.headers["WWW-Authenticate"] == "Bearer"
