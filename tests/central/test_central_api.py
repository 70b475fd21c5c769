"""Central's HTTP contract over a real process: tokens, per-item results, feeds, decisions."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from central.schemas import BatchResult
from tests.central.stack import Central

READ_AT = "2026-11-29T04:05:00Z"


def call(
    central: Central, method: str, path: str, token: str | None, body: Any = None
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, central.url + path, json=body, headers=headers, timeout=10)


def check_in(event_id: str, card: str = "3C00CE754C", **changes: Any) -> dict[str, Any]:
    item = {
        "event_id": event_id,
        "kind": "check_in",
        "station": "st01",
        "payload": {
            "event_id": event_id,
            "body": {"credential": {"kind": "rfid_em4100", "value": card}, "read_at": READ_AT},
        },
    }
    return {**item, **changes}


def test_calls_without_a_known_token_get_401(live: Central) -> None:
    for token in (None, "not-a-token-we-know", live.admin_token):
        answer = call(live, "POST", "/events", token, {"items": []})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert call(live, "PUT", "/admin/roster", live.hub_token, {}).status_code == 401


def test_each_item_gets_its_own_answer_in_order(live: Central) -> None:
    answer = call(
        live,
        "POST",
        "/events",
        live.hub_token,
        {
            "items": [
                check_in("ev-1"),
                check_in("ev-1"),  # the same record twice in one batch
                check_in("ev-2", kind="no_such_kind"),
                check_in("ev-3", station="st02"),
                {
                    "event_id": "ev-4",
                    "kind": "check_in",
                    "station": "st01",
                    "payload": {"body": {}},
                },
                {"kind": "check_in"},
            ]
        },
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    # Written straight to JSON, the answer is still what the OpenAPI document says.
    BatchResult.model_validate(answer.json())
    results = answer.json()["results"]
    assert [(r["index"], r["event_id"], r["status"]) for r in results] == [
        (0, "ev-1", "accepted"),
        (1, "ev-1", "duplicate"),
        (2, "ev-2", "rejected"),
        (3, "ev-3", "accepted"),
        (4, "ev-4", "rejected"),
        (5, None, "rejected"),
    ]
    assert "kind" in results[2]["reason"]
    assert "check_in body" in results[4]["reason"]


def test_a_resent_batch_is_all_duplicates_and_stores_nothing_new(live: Central) -> None:
    batch = {"items": [check_in("re-1"), check_in("re-2")]}
    first = call(live, "POST", "/events", live.hub_token, batch).json()["results"]
    again = call(live, "POST", "/events", live.hub_token, batch).json()["results"]
    assert [r["status"] for r in first] == ["accepted", "accepted"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert sorted(i for i in live.event_ids() if i.startswith("re-")) == ["re-1", "re-2"]


def test_same_event_id_with_a_different_record_is_rejected(live: Central) -> None:
    call(live, "POST", "/events", live.hub_token, {"items": [check_in("dup-1", "AAAAAAAAAA")]})
    answer = call(
        live, "POST", "/events", live.hub_token, {"items": [check_in("dup-1", "BBBBBBBBBB")]}
    )
    (result,) = answer.json()["results"]
    assert result["status"] == "rejected"
    assert "different record" in result["reason"]


def test_payload_text_is_stored_as_sent(live: Central) -> None:
    item = check_in("text-1")
    item["payload"]["note"] = 'é 驿站 "quoted" back\\slash \u0000 nul \n'
    answer = call(live, "POST", "/events", live.hub_token, {"items": [item]})
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"]
    engine = create_engine(live.engine_url)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT payload_json FROM events WHERE event_id = 'text-1'")
        ).scalar_one()
    engine.dispose()
    assert json.loads(stored) == item["payload"]


def test_a_record_stored_in_another_key_order_is_a_duplicate(live: Central) -> None:
    # Centrals before this one stored payloads with their keys sorted.
    item = check_in("old-1")
    stored = json.dumps(item["payload"], sort_keys=True, separators=(",", ":"))
    engine = create_engine(live.engine_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (event_id, hub_id, kind, station, payload_json, received_at)"
                " VALUES ('old-1', 'test-hub', 'check_in', 'st01', :payload, :now)"
            ),
            {"payload": stored, "now": datetime.now(UTC)},
        )
    engine.dispose()
    answer = call(live, "POST", "/events", live.hub_token, {"items": [item]})
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate"]


@pytest.mark.parametrize(
    "body",
    [{"items": "nope"}, {"items": [1, 2]}, {}, [], {"items": [], "extra": 1}],
)
def test_malformed_batches_get_422_not_5xx(live: Central, body: Any) -> None:
    assert call(live, "POST", "/events", live.hub_token, body).status_code == 422


def test_body_over_the_limit_gets_413(live: Central) -> None:
    huge = b'{"items": [' + b" " * (17 * 1024 * 1024) + b"]}"
    answer = requests.post(
        live.url + "/events",
        data=huge,
        headers={"Authorization": f"Bearer {live.hub_token}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 413


def test_feed_pages_follow_the_cursor_and_show_deletions(live: Central) -> None:
    for card in ("F000000001", "F000000002", "F000000003"):
        live.admin(
            "PUT",
            "/roster",
            {
                "credential": {"kind": "rfid_em4100", "value": card},
                "person_id": "P-" + card,
                "masked_name": "赵*",
            },
        )
    live.admin("DELETE", "/roster/rfid_em4100/F000000001")
    first = call(live, "GET", "/feeds/roster?cursor=0&limit=2", live.hub_token).json()
    assert first["more"] is True and len(first["items"]) == 2
    rest = call(live, "GET", f"/feeds/roster?cursor={first['cursor']}", live.hub_token).json()
    assert rest["more"] is False
    seen = {item["key"]: item["deleted"] for item in first["items"] + rest["items"]}
    assert seen["rfid_em4100:F000000001"] is True
    assert seen["rfid_em4100:F000000003"] is False
    assert call(live, "GET", "/feeds/roster?cursor=-1", live.hub_token).status_code == 422
    assert call(live, "GET", "/feeds/people", live.hub_token).status_code == 422


def test_concurrent_changes_get_distinct_feed_numbers(live: Central) -> None:
    def put_many(worker: int) -> list[int]:
        numbers = []
        for n in range(10):
            card = f"C{worker:04d}{n:05d}"
            answer = call(
                live,
                "PUT",
                "/admin/roster",
                live.admin_token,
                {
                    "credential": {"kind": "rfid_uid", "value": card},
                    "person_id": "P-" + card,
                    "masked_name": "周*",
                },
            )
            assert answer.status_code == 200, answer.text
            numbers.append(answer.json()["change_seq"])
        return numbers

    with ThreadPoolExecutor(8) as pool:
        numbers = [seq for batch in pool.map(put_many, range(8)) for seq in batch]
    assert len(set(numbers)) == 80


def test_concurrent_decisions_store_exactly_one(live: Central) -> None:
    booking = live.admin(
        "POST",
        "/online-bookings",
        {
            "station": "st02",
            "room_id": "st02-booth",
            "start": "2026-12-02T10:00:00+08:00",
            "end": "2026-12-02T10:30:00+08:00",
            "credential": {"kind": "qr", "value": "tok-2"},
        },
    )
    path = f"/online-bookings/{booking['id']}/decision"

    def post(code: str) -> int:
        body = {"request_id": "r-x", "status": "rejected", "code": code}
        return call(live, "POST", path, live.hub_token, body).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(post, [f"code_{n}" for n in range(8)]))
    assert sorted(statuses) == [200] + [409] * 7


def test_a_decision_is_stored_once_and_a_different_one_conflicts(live: Central) -> None:
    booking = live.admin(
        "POST",
        "/online-bookings",
        {
            "station": "st01",
            "room_id": "st01-hall",
            "start": "2026-12-01T10:00:00+08:00",
            "end": "2026-12-01T11:00:00+08:00",
            "credential": {"kind": "qr", "value": "tok-1"},
        },
    )
    pending = call(live, "GET", "/online-bookings/pending", live.hub_token).json()["items"]
    assert booking["id"] in [item["id"] for item in pending]
    path = f"/online-bookings/{booking['id']}/decision"
    decision = {
        "request_id": "r-1",
        "status": "ok",
        "code": "booked",
        "result": {"booking_id": "B-1"},
    }
    assert call(live, "POST", path, live.hub_token, decision).status_code == 200
    assert call(live, "POST", path, live.hub_token, decision).status_code == 200
    other = {**decision, "status": "rejected", "code": "slot_taken"}
    assert call(live, "POST", path, live.hub_token, other).status_code == 409
    pending = call(live, "GET", "/online-bookings/pending", live.hub_token).json()["items"]
    assert booking["id"] not in [item["id"] for item in pending]
    assert (
        call(live, "POST", "/online-bookings/999999/decision", live.hub_token, decision).status_code
        == 404
    )


def test_online_booking_must_end_after_it_starts(live: Central) -> None:
    answer = call(
        live,
        "POST",
        "/admin/online-bookings",
        live.admin_token,
        {
            "station": "st01",
            "room_id": "st01-hall",
            "start": "2026-12-01T11:00:00+08:00",
            "end": "2026-12-01T10:00:00+08:00",
            "credential": {"kind": "qr", "value": "tok-1"},
        },
    )
    assert answer.status_code == 422


def test_summary_counts_what_central_holds(live: Central) -> None:
    summary = live.admin("GET", "/events/summary")
    assert summary["total"] == len(live.event_ids())
    assert summary["by_kind"]["check_in"] == summary["total"]
