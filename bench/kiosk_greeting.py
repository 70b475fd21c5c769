"""Kiosk UI timings: cold start to the idle screen, scan to greeting on screen.

Runs the real kiosk app (subprocess, Xvfb) with a simulated EM4100 reader on a
pseudo-terminal; times come from CLOCK_MONOTONIC, which the app and this
script share: "present" is when the simulator wrote the card's frame, "on
screen" is when the UI thread finished rendering the screen that shows it.
Offline (no broker) and online (Mosquitto + hub): online also times the
hub's count ("your Nth visit this year") reaching the screen.

    .venv/bin/python bench/kiosk_greeting.py [--scans 20]

The kiosks measured are deployed ones: their fonts were prepared first
(``lianxin kiosk --prepare-fonts``, timed once here, see
kiosk/ui/font_flatten.py); one more offline kiosk runs without, for the
difference. Also measures the floor under the idle memory on the same
display: a bare Kivy window of the same size (bench/bare_kivy.py). Prints
figures, the last line JSON (start, idle RSS, the floor); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from devices.sim import start_simulator
from kiosk.core.reference_cache import ReferenceCache
from kiosk.ui.app import FONT_CACHE
from kiosk.ui.fonts import prepare_kiosk_fonts
from lianxin.broker import BrokerInfo, BrokerProcess, free_port
from protocol.codec import encode
from protocol.messages import Credential, CredentialKind
from protocol.reference import RosterEntry, RosterSnapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test helpers: real parts

from bench.stack import anonymous_mb, rss_mb
from tests.kiosk.fixtures import STATION
from tests.system.stack import Hub
from tests.ui.display import Xvfb
from tests.ui.kiosk_ui import KioskUI
from tests.waiting import wait_until

CARDS = [f"{0x3C00CE7500 + i:010X}" for i in range(40)]


class BenchKiosk(KioskUI):
    def _seed_reference(self, data: Path) -> None:
        super()._seed_reference(data)
        cache = ReferenceCache(data / "reference.db", STATION)
        items = [
            RosterEntry(
                credential=Credential(kind=CredentialKind.RFID_EM4100, value=card),
                person_id=f"P-{i}",
                masked_name="王*华",
            )
            for i, card in enumerate(CARDS)
        ]
        cache.offer(
            encode(
                RosterSnapshot(
                    v=1,
                    type="reference",
                    name="roster",
                    station=STATION,
                    version=2_000_000,
                    generated_at=datetime.now(UTC),
                    items=items,
                )
            )
        )
        cache.close()


def run(
    label: str,
    root: Path,
    display: str,
    broker: BrokerInfo,
    *,
    scans: int,
    online: bool,
    fonts: Path | None,
) -> dict[str, float]:
    """Print this run's timings; return its figures (seconds, MB)."""
    sim = start_simulator("em4100")
    ui = BenchKiosk(
        root / label,
        display,
        broker,
        reader_driver="em4100",
        reader_port=sim.port_path,
        idle_timeout_s=5,  # back to idle soon after the scans, for the idle footprint
    )
    if fonts is not None:  # deployed with the prepared cache, as a kiosk image would carry it
        shutil.copytree(fonts, ui.directory / "data" / FONT_CACHE)
    started = time.monotonic()
    try:
        ui.start()
        idle = wait_until(lambda: (s := ui.state())["rendered_at"] > 0 and s, 60, "idle")
        print(f"{label}: cold start to idle screen {1000 * (idle['rendered_at'] - started):.0f} ms")
        assert ui.process is not None and ui.process.popen is not None
        pid = ui.process.popen.pid
        figures = {"start_s": round(idle["rendered_at"] - started, 2), "idle_rss_mb": rss_mb(pid)}
        if online:
            wait_until(lambda: ui.state()["status"]["online"], 30, "online")
        greet, count = [], []
        for i in range(scans):
            before = ui.state()["version"]
            sim.present(CARDS[i % len(CARDS)])
            presented = time.monotonic()
            shown = wait_until(
                lambda b=before: (s := ui.state())["version"] > b and s["screen"] == "result" and s,
                20,
                "greeting",
            )
            greet.append(shown["rendered_at"] - presented)
            if online:
                counted = wait_until(
                    lambda: (s := ui.state())["recorded"] and s["recorded"]["visits"] and s,
                    20,
                    "count",
                )
                count.append(counted["rendered_at"] - presented)
            sim.remove()
            time.sleep(0.6)  # the reader's hold gap: the next card is a new presentation
        _print(f"{label}: scan to greeting on screen", greet)
        figures["greeting_median_ms"] = round(1000 * statistics.median(greet), 1)
        if count:
            _print(f"{label}: scan to hub's count on screen", count)
            figures["count_median_ms"] = round(1000 * statistics.median(count), 1)
        # Idle again after the scans: the larger of the two is the idle footprint.
        ui.wait_screen("idle", timeout=120)
        figures["idle_rss_mb"] = round(max(figures["idle_rss_mb"], rss_mb(pid)), 1)
        # Under Xvfb, Mesa's llvmpipe makes ~56 MB of libLLVM resident (42 of
        # them from merely loading it, as Debian's GPU drivers do too): the
        # anonymous memory says what is the kiosk's own, libraries aside.
        figures["idle_anon_mb"] = round(anonymous_mb(pid), 1)
        return figures
    finally:
        ui.stop()
        sim.close()


def prepare_fonts(cache: Path) -> dict[str, float]:
    """The deploy step, once: every bench kiosk gets a copy of this cache.

    Figures: its seconds, and the memory per text size (bench/font_memory.py)
    of the fonts as extracted and of their flat copies.
    """
    started = time.monotonic()
    prepared = prepare_kiosk_fonts(cache)
    figures = {"prepare_s": round(time.monotonic() - started, 1)}
    print(f"font preparation (once per deploy): {figures['prepare_s']} s")
    faces = [done.face for done in prepared]
    flats = [done.flat or done.face for done in prepared]
    for name, pair in (("face", faces), ("flat", flats)):
        regular, bold = pair[0], pair[-1]
        done = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("font_memory.py")), regular, bold],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        memory = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"font memory, {name}: {memory['mb_per_face']} MB per text size and weight")
        figures[f"{name}_mb_per_size"] = memory["mb_per_face"]
    return figures


def bare_kivy(display: str, size: str) -> dict[str, float]:
    """The idle memory floor on this display: bench/bare_kivy.py's window (MB)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("bare_kivy.py")), size],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"bare Kivy window: RSS {figures['rss_mb']} MB, anonymous {figures['anon_mb']} MB")
    return figures


def _print(what: str, seconds: list[float]) -> None:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(
        f"{what}: n={len(ms)} median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
        f"max {ms[-1]:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    screen = Xvfb().start()
    try:
        with tempfile.TemporaryDirectory(prefix="lianxin-bench-") as temp:
            root = Path(temp)
            fonts = root / "fonts"
            font_figures = prepare_fonts(fonts)
            nobody = BrokerInfo("127.0.0.1", free_port(), "mosquitto", "5", True)
            offline = run(
                "offline", root, screen.display, nobody, scans=args.scans, online=False, fonts=fonts
            )
            unprepared = run(
                "unprepared",
                root,
                screen.display,
                nobody,
                scans=args.scans,
                online=False,
                fonts=None,
            )
            bare = bare_kivy(screen.display, KioskUI.size)
            broker = BrokerProcess(root / "broker", kind="mosquitto")
            broker.start()
            hub = Hub(root / "hub", broker.info).start()
            try:
                online = run(
                    "online",
                    root,
                    screen.display,
                    broker.info,
                    scans=args.scans,
                    online=True,
                    fonts=fonts,
                )
            finally:
                assert hub.process is not None
                hub.process.kill()
                broker.stop(kill=True)
    finally:
        screen.stop()
    # The last line, for bench/run_all.py.
    print(
        json.dumps(
            {
                "kiosk_start_s": offline["start_s"],
                "kiosk_start_online_s": online["start_s"],
                "kiosk_rss_mb": max(offline["idle_rss_mb"], online["idle_rss_mb"]),
                "kiosk_anon_mb": max(offline["idle_anon_mb"], online["idle_anon_mb"]),
                "kiosk_rss_unprepared_fonts_mb": unprepared["idle_rss_mb"],
                "kiosk_font_prepare_s": font_figures["prepare_s"],
                "font_mb_per_size": font_figures["face_mb_per_size"],
                "font_mb_per_size_flat": font_figures["flat_mb_per_size"],
                "bare_kivy_rss_mb": bare["rss_mb"],
                "bare_kivy_anon_mb": bare["anon_mb"],
                "offline": offline,
                "unprepared": unprepared,
                "online": online,
            }
        )
    )


if __name__ == "__main__":
    main()
