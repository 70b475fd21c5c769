"""A bounded chaos run: broker, hub and kiosks killed at random, nothing lost or doubled."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KIOSKS, SCANS, KILLS, SEED = 4, 150, 10, 2


def test_bounded_chaos_run_loses_and_doubles_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lianxin",
            "chaos",
            "--kiosks",
            str(KIOSKS),
            "--scans",
            str(SCANS),
            "--kills",
            str(KILLS),
            "--seed",
            str(SEED),
            "--run-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["scans"] == summary["stored"] == KIOSKS * SCANS
    assert (summary["lost"], summary["duplicates"]) == (0, 0)
    assert (summary["kills"], summary["seed"]) == (KILLS, SEED)
    # The seeded schedule strikes every kind of victim, some restarted armed.
    for strike in ("kill broker", "kill hub", "kill kiosk", "restart armed"):
        assert strike in result.stderr, strike
