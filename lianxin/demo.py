"""``lianxin demo``: the whole system on one machine, with embedded defaults.

Starts a broker (Mosquitto when installed, else the embedded one), the hub
with the demo centre's data and N kiosks (kiosk 1 with its touchscreen
when a display is available and ``--headless`` is not given), each as its own process
with its own config file in a run directory. Every kiosk reads a simulated
reader on a pseudo-terminal through the real driver: kiosk 1 an ID card
reader, the others EM4100 access-card readers. With ``--duration`` it stops
taking scans after that many seconds, waits for every kiosk's outbox to
drain, stops everything and prints one JSON line counted from the databases.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from pathlib import Path

from lianxin.broker import BrokerKind
from lianxin.network import LocalNetwork
from lianxin.simulators import ReaderSimulator, start_reader_simulator, write_id_hash_key

DRAIN_TIMEOUT_S = 120.0
CARD_INTERVAL_S = 0.5


def run_demo(
    *,
    duration_s: float,
    kiosks: int,
    headless: bool,
    run_dir: Path | None,
    broker_kind: BrokerKind = "auto",
) -> int:
    with_screen = not headless and bool(os.environ.get("DISPLAY"))
    if not headless and not with_screen:
        say("no display (DISPLAY is not set): running every kiosk headless")
    run_dir = (run_dir or Path(tempfile.mkdtemp(prefix="lianxin-demo-"))).resolve()
    network = LocalNetwork(run_dir, broker_kind=broker_kind)
    say(f"run directory {run_dir}")
    simulators: list[ReaderSimulator] = []
    try:
        network.broker.start()
        say(f"broker {network.broker_info.name} on port {network.broker_info.port}")
        network.start_central()
        network.start_hub(demo_data=True)
        key_file = write_id_hash_key(run_dir / "id-hash.key")
        for index in range(1, kiosks + 1):
            simulator = start_reader_simulator(
                "idcard" if index == 1 else "em4100",
                seed=index,
                interval_s=CARD_INTERVAL_S,
                log_path=run_dir / f"reader-{index}.log",
            )
            simulators.append(simulator)
            # Kiosk 1 gets the touchscreen when there is a display to show it on.
            network.add_kiosk(
                reader=simulator,
                id_hash_key_file=key_file,
                headless=not (with_screen and index == 1),
            )
        say(
            f"hub health on http://127.0.0.1:{network.hub_http_port}/healthz, "
            f"{kiosks} kiosks scanning; logs in {run_dir}"
        )
        _wait_for_duration(duration_s)
        network.stop_reading()
        if network.wait_drained(DRAIN_TIMEOUT_S) is None:
            say("outboxes did not drain in time")
        if not network.wait_synced(DRAIN_TIMEOUT_S):
            say("the hub did not finish sending to central in time")
    finally:
        for simulator in simulators:
            simulator.stop()
        network.stop_all()
    counts = network.tally()
    central_stored = network.central_stored()
    print(
        json.dumps(
            {
                "kiosks": kiosks,
                **counts.as_dict(),
                "central_stored": central_stored,
                "broker": network.broker_info.name,
            }
        )
    )
    ok = counts.lost == 0 and counts.duplicates == 0 and central_stored == counts.stored
    return 0 if ok else 1


def say(text: str) -> None:
    print(f"lianxin demo: {text}", file=sys.stderr, flush=True)


def _wait_for_duration(duration_s: float) -> None:
    stop = threading.Event()
    try:
        if duration_s > 0:
            stop.wait(duration_s)
        else:
            say("running until Ctrl-C")
            while not stop.wait(3600):
                pass
    except KeyboardInterrupt:
        say("stopping")
