"""A kiosk back from a week offline with 100,000 queued scans drains completely.

Runs bench/offline_week.py (which prints the drain time) and checks its
claims: every scan stored once, and the kiosk's memory bounded because the
disk, not RAM, holds the queue.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "offline_week.py"
SCANS = 100_000
# The kiosk keeps only the in-flight window in memory; 10,000 scans peak
# near 40 MB. Loading the whole queue would cost far more than this.
KIOSK_MEMORY_BOUND_MB = 100


@pytest.mark.timeout(1500)  # a hundred thousand durable round trips on a busy machine
def test_week_of_queued_scans_drains_with_bounded_memory() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--scans", str(SCANS), "--rate", "5000"],
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["stored"] == SCANS
    assert (figures["lost"], figures["duplicates"]) == (0, 0)
    assert 0 < figures["kiosk_peak_rss_mb"] < KIOSK_MEMORY_BOUND_MB
