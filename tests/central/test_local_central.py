"""The demo's helper writes a central config a hub can sync to, and counts what arrived."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from central.local import stored_events, write_local_central
from lianxin.broker import free_port
from lianxin.processes import RoleProcess
from tests.waiting import wait_until


def test_local_central_starts_from_the_written_config_and_counts_events(tmp_path: Path) -> None:
    local = write_local_central(tmp_path, free_port(), hub_id="local-hub")
    assert stored_events(local.database_url, local.config.parent) == 0
    process = RoleProcess(["central", "--config", str(local.config)], tmp_path / "central.log")
    process.start()
    try:
        token = local.hub_token_file.read_text(encoding="utf-8").strip()

        def push() -> bool:
            try:
                answer = requests.post(
                    local.url + "/events",
                    json={"items": []},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=2,
                )
            except requests.ConnectionError:
                return False
            return answer.status_code == 200

        wait_until(push, 30, "central answers the hub token")
        item = {
            "event_id": "e-1",
            "kind": "check_in",
            "station": "st01",
            "payload": {
                "body": {
                    "credential": {"kind": "qr", "value": "x"},
                    "read_at": "2026-11-29T04:05:00Z",
                }
            },
        }
        answer = requests.post(
            local.url + "/events",
            data=json.dumps({"items": [item]}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=5,
        )
        assert answer.json()["results"][0]["status"] == "accepted"
        assert stored_events(local.database_url, local.config.parent) == 1
        assert f'token_file = "{local.hub_token_file}"' in local.hub_section()
    finally:
        process.kill()
