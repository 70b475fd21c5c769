"""The checked-in OpenAPI description is what the app serves, and fuzzing it finds no 5xx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests

from central.openapi import DOC_PATH, render
from tests.central.stack import Central

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_openapi_matches_the_app() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/central-openapi.json is out of date: run python -m central.openapi --write"
    )


def test_running_central_serves_the_checked_in_description(central: Central) -> None:
    central.start()
    served = requests.get(f"http://127.0.0.1:{central.http_port}/openapi.json", timeout=10)
    assert served.json() == json.loads(DOC_PATH.read_text(encoding="utf-8"))


def test_schemathesis_finds_no_server_error(central: Central, tmp_path: Path) -> None:
    # One token opens both the hub and the admin endpoints, so the fuzzer
    # reaches every handler instead of stopping at 401.
    central.admin_token = central.hub_token
    central.start()
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            str(DOC_PATH),
            "--url",
            f"http://127.0.0.1:{central.http_port}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "7",
            # One worker: concurrency is tested on its own (test_central_api), and
            # schemathesis' threads hit a CPython 3.11 ast SystemError now and then.
            "--workers",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--header",
            f"Authorization: Bearer {central.hub_token}",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
