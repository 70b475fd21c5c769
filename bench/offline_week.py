"""How long a kiosk back from a week offline takes to drain, and its memory.

    .venv/bin/python bench/offline_week.py [--scans 100000] [--rate 2000]

Fills a kiosk's outbox with N scans through the real code path (while no
broker is running, as after an outage), then starts a Mosquitto, the hub
and the kiosk, and reports the drain time, the rate, and the peak resident
memory of the kiosk and the hub (VmHWM). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devices.scan import CredentialKind, ScanEvent
from kiosk.core.outbox import Outbox
from kiosk.core.requests import RequestWriter
from lianxin.network import LocalNetwork
from lianxin.tally import waiting


def fill_outbox(outbox_path: Path, station: str, kiosk: str, scans: int) -> float:
    """Queue ``scans`` check-ins spread over the past week; returns seconds taken."""
    outbox = Outbox(outbox_path)
    writer = RequestWriter(outbox, station, kiosk)
    week_ago = datetime.now(UTC) - timedelta(days=7)
    step = timedelta(days=7) / max(1, scans)
    start = time.monotonic()
    for number in range(scans):
        writer.check_in(
            ScanEvent(
                reader_id=f"{kiosk}-em4100",
                kind=CredentialKind.RFID_EM4100,
                credential=f"{number % 5000:010X}",
                display=str(number),
                read_at=week_ago + step * number,
            )
        )
    outbox.close()
    return time.monotonic() - start


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=2000.0, help="kiosk max_per_second")
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    network = LocalNetwork(Path(tempfile.mkdtemp(prefix="lianxin-bench-week-")))
    kiosk = network.add_kiosk(
        max_per_second=args.rate, max_in_flight=args.in_flight, resend_after_s=60.0, start=False
    )
    fill_s = fill_outbox(kiosk.outbox, kiosk.station, kiosk.name, args.scans)
    try:
        network.broker.start()
        network.start_hub()
        start = time.monotonic()
        kiosk.process.start()
        kiosk_peak = hub_peak = 0.0
        while waiting([kiosk.outbox]) > 0 and time.monotonic() - start < args.timeout:
            assert kiosk.process.popen is not None and network.hub is not None
            assert network.hub.popen is not None
            kiosk_peak = max(kiosk_peak, peak_rss_mb(kiosk.process.popen.pid))
            hub_peak = max(hub_peak, peak_rss_mb(network.hub.popen.pid))
            time.sleep(0.5)
        drain_s = time.monotonic() - start
    finally:
        network.stop_all()
    counts = network.tally()
    print(
        json.dumps(
            {
                "scans": args.scans,
                "queue_fill_s": round(fill_s, 1),
                "drain_s": round(drain_s, 1),
                "drain_per_s": round(counts.acked / drain_s, 1),
                "stored": counts.stored,
                "lost": counts.lost,
                "duplicates": counts.duplicates,
                "kiosk_peak_rss_mb": round(kiosk_peak, 1),
                "hub_peak_rss_mb": round(hub_peak, 1),
                "pacing_max_per_second": args.rate,
                "broker": network.broker_info.name,
            }
        )
    )


if __name__ == "__main__":
    main()
