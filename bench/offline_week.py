"""How long a kiosk back from a week offline takes to drain, and its memory.

    .venv/bin/python bench/offline_week.py [--scans 100000] [--rate 5000]
        [--in-flight 1000] [--hub-kiosk-rate 10000] [--profile DIR]

Fills a kiosk's outbox with N scans through the real code path (while no
broker is running, as after an outage), then starts a Mosquitto, the hub
and the kiosk, and reports the drain time, the rate, the peak resident
memory of the kiosk and the hub (VmHWM; the hub's counted from the
kiosk's reconnect, its start-up peak beside it) and how much each grew
over the drain's second half (flat memory: about 0), the CPU seconds each used
while draining (the kiosk's includes its start-up, about a second;
``*_cpu_us_per_scan`` says which side is the bottleneck: the kiosk alone
could go at 1e6 / its figure per second on a core of its own). Prints
figures; asserts nothing.

``--rate`` and ``--in-flight`` default to the kiosk's shipped pacing
(config.settings.PacingSettings). ``--hub-kiosk-rate`` sets the hub's
per-kiosk rate limit for the run, above the kiosk's rate so it never drops
a replayed request (0 keeps the hub's default, which may then be the
limit). ``--profile DIR`` records py-spy flame graphs of hub and kiosk.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.settings import PacingSettings
from devices.scan import CredentialKind, ScanEvent
from kiosk.core.outbox import Outbox
from kiosk.core.requests import RequestWriter
from lianxin.network import LocalNetwork
from lianxin.tally import waiting

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.stack import cpu_s, peak_rss_mb, reset_peak_rss, rss_mb, start_hub


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=100_000)
    pacing = PacingSettings()
    parser.add_argument(
        "--rate", type=float, default=pacing.max_per_second, help="kiosk max_per_second"
    )
    parser.add_argument("--in-flight", type=int, default=pacing.max_in_flight)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--hub-kiosk-rate", type=float, default=10_000.0)
    parser.add_argument("--profile", type=Path, default=None, help="py-spy SVGs go here")
    args = parser.parse_args()
    network = LocalNetwork(Path(tempfile.mkdtemp(prefix="lianxin-bench-week-")))
    kiosk = network.add_kiosk(
        max_per_second=args.rate, max_in_flight=args.in_flight, resend_after_s=60.0, start=False
    )
    fill_s = fill_outbox(kiosk.outbox, kiosk.station, kiosk.name, args.scans)
    profilers: list[subprocess.Popen[bytes]] = []
    samples: list[tuple[float, float, float]] = []  # (s since reconnect, kiosk MB, hub MB)
    try:
        network.broker.start()
        hub = start_hub(network, kiosk_rate_per_s=args.hub_kiosk_rate or None)
        assert hub.popen is not None
        hub_pid = hub.popen.pid
        hub_start_peak = peak_rss_mb(hub_pid)
        if not reset_peak_rss(hub_pid):
            print("offline_week: cannot reset the hub's VmHWM", file=sys.stderr)
        start = time.monotonic()
        kiosk.process.start()
        assert kiosk.process.popen is not None
        kiosk_pid = kiosk.process.popen.pid
        if args.profile is not None:
            profilers = [
                profile(pid, args.profile / f"{role}.svg")
                for role, pid in (("hub", hub_pid), ("kiosk", kiosk_pid))
            ]
        kiosk_peak = hub_peak = 0.0
        hub_cpu_at_start = cpu_s(hub_pid)
        kiosk_cpu = hub_cpu = 0.0
        while waiting([kiosk.outbox]) > 0 and time.monotonic() - start < args.timeout:
            kiosk_peak = max(kiosk_peak, peak_rss_mb(kiosk_pid))
            hub_peak = max(hub_peak, peak_rss_mb(hub_pid))
            kiosk_cpu = cpu_s(kiosk_pid) or kiosk_cpu
            hub_cpu = (cpu_s(hub_pid) or hub_cpu_at_start) - hub_cpu_at_start
            samples.append((round(time.monotonic() - start, 2), rss_mb(kiosk_pid), rss_mb(hub_pid)))
            time.sleep(0.5)
        drain_s = time.monotonic() - start
        kiosk_cpu = cpu_s(kiosk_pid) or kiosk_cpu
        hub_cpu = (cpu_s(hub_pid) or hub_cpu_at_start) - hub_cpu_at_start
        kiosk_peak = max(kiosk_peak, peak_rss_mb(kiosk_pid))
        hub_peak = max(hub_peak, peak_rss_mb(hub_pid))
    finally:
        network.stop_all()
        for profiler in profilers:  # each writes its SVG once its process has ended
            profiler.wait(timeout=60)
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
                "kiosk_cpu_s": round(kiosk_cpu, 1),
                "kiosk_cpu_us_per_scan": round(kiosk_cpu / max(1, counts.acked) * 1e6),
                "hub_cpu_s": round(hub_cpu, 1),
                "hub_cpu_us_per_scan": round(hub_cpu / max(1, counts.acked) * 1e6),
                "kiosk_peak_rss_mb": round(kiosk_peak, 1),
                "hub_peak_rss_mb": round(hub_peak, 1),
                "hub_start_peak_rss_mb": round(hub_start_peak, 1),
                "second_half_growth_mb": second_half_growth(samples),
                "pacing_max_per_second": args.rate,
                "pacing_max_in_flight": args.in_flight,
                "hub_kiosk_rate_per_s": args.hub_kiosk_rate or "default",
                "memory_samples": samples,
                "broker": network.broker_info.name,
            }
        )
    )


def second_half_growth(samples: list[tuple[float, float, float]]) -> dict[str, float] | None:
    """MB each process's RSS grew from the drain's middle sample to its last; None if too short."""
    if len(samples) < 4:
        return None
    middle, last = samples[len(samples) // 2], samples[-1]
    return {"kiosk": round(last[1] - middle[1], 1), "hub": round(last[2] - middle[2], 1)}


def profile(pid: int, svg: Path) -> subprocess.Popen[bytes]:
    """py-spy records ``pid`` until it exits (py-spy in the same venv as this script)."""
    svg.parent.mkdir(parents=True, exist_ok=True)
    py_spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--output",
            str(svg),
            "--rate",
            "50",
            "--threads",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
