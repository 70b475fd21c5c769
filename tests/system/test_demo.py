"""`lianxin demo --headless` runs the whole system and counts from the databases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("broker", "name"), [("auto", "mosquitto"), ("embedded", "embedded-amqtt")]
)
def test_headless_demo_stores_every_scan_once(tmp_path: Path, broker: str, name: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lianxin",
            "demo",
            "--headless",
            "--duration",
            "6",
            "--kiosks",
            "3",
            "--broker",
            broker,
            "--run-dir",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert last["kiosks"] == 3 and last["broker"] == name
    assert last["scans"] == last["acked"] == last["stored"] == last["central_stored"] > 0
    assert (last["duplicates"], last["lost"]) == (0, 0)
