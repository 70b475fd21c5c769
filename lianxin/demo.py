"""``lianxin demo``: the whole system on one machine, with embedded defaults.

Starts a broker (Mosquitto when installed, else the embedded one), the hub
and N headless kiosks, each as its own process with its own config file in
a run directory. Every kiosk reads a simulated reader on a pseudo-terminal
through the real driver: kiosk 1 an ID card reader, the others EM4100
access-card readers. With ``--duration`` it stops taking
scans after that many seconds, waits for every kiosk's outbox to drain,
stops everything and prints one JSON line counted from the databases.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from kiosk.headless import READING_STOPPED
from lianxin.broker import BrokerInfo, BrokerKind, BrokerProcess, free_port
from lianxin.simulators import ReaderSimulator, start_reader_simulator, write_id_hash_key
from lianxin.tally import tally, waiting

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
    if not headless:
        print(
            "lianxin demo: kiosk screens arrive with the UI work (issue 4); "
            "running the kiosks headless.",
            file=sys.stderr,
        )
    run_dir = (run_dir or Path(tempfile.mkdtemp(prefix="lianxin-demo-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    print(f"lianxin demo: run directory {run_dir}", file=sys.stderr)
    broker = BrokerProcess(run_dir / "broker", kind=broker_kind)
    broker.start()
    print(f"lianxin demo: broker {broker.info.name} on port {broker.info.port}", file=sys.stderr)
    hub_http = free_port()
    hub_config = _write_hub_config(run_dir, broker.info, hub_http)
    processes: list[subprocess.Popen[bytes]] = []
    simulators: list[ReaderSimulator] = []
    key_file = write_id_hash_key(run_dir / "id-hash.key")
    try:
        hub = _spawn(["hub", "--config", str(hub_config)], run_dir / "hub.log")
        processes.append(hub)
        _wait_healthy(hub_http, hub)
        kiosk_dirs = []
        for index in range(1, kiosks + 1):
            driver = "idcard" if index == 1 else "em4100"
            simulator = start_reader_simulator(
                driver,
                seed=index,
                interval_s=CARD_INTERVAL_S,
                log_path=run_dir / f"reader-{index}.log",
            )
            simulators.append(simulator)
            config, data_dir = _write_kiosk_config(run_dir, broker.info, index, simulator, key_file)
            kiosk_dirs.append(data_dir)
            processes.append(
                _spawn(
                    ["kiosk", "--headless", "--config", str(config)], run_dir / f"kiosk-{index}.log"
                )
            )
        print(
            f"lianxin demo: hub health on http://127.0.0.1:{hub_http}/healthz, "
            f"{kiosks} kiosks scanning; logs in {run_dir}",
            file=sys.stderr,
        )
        _wait_for_duration(duration_s)
        kiosk_processes = processes[1:]
        for process in kiosk_processes:
            process.send_signal(signal.SIGUSR1)  # stop scanning, keep delivering
        outboxes = [directory / "outbox.db" for directory in kiosk_dirs]
        _wait_drained(kiosk_dirs, outboxes)
    finally:
        for simulator in simulators:
            simulator.stop()
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        broker.stop()
    counts = tally([p for p in outboxes if p.exists()], f"sqlite:///{run_dir / 'hub.db'}")
    print(json.dumps({"kiosks": kiosks, **counts.as_dict(), "broker": broker.info.name}))
    return 0 if counts.lost == 0 and counts.duplicates == 0 else 1


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "lianxin", *args],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )


def _wait_healthy(port: int, hub: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError("the hub exited at start; see hub.log in the run directory")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if json.load(answer).get("ok"):
                    return
        except OSError:
            pass  # not listening yet, or 503 while connecting to the broker
        time.sleep(0.1)
    raise RuntimeError("the hub did not become healthy in time; see hub.log")


def _wait_for_duration(duration_s: float) -> None:
    stop = threading.Event()
    try:
        if duration_s > 0:
            stop.wait(duration_s)
        else:
            print("lianxin demo: running until Ctrl-C", file=sys.stderr)
            while not stop.wait(3600):
                pass
    except KeyboardInterrupt:
        print("lianxin demo: stopping", file=sys.stderr)


def _wait_drained(kiosk_dirs: list[Path], outboxes: list[Path]) -> None:
    """Wait until every kiosk stopped reading and has nothing left to send."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    while time.monotonic() < deadline:
        stopped = all((directory / READING_STOPPED).exists() for directory in kiosk_dirs)
        if stopped and waiting(outboxes) == 0:
            return
        time.sleep(0.2)
    print("lianxin demo: outboxes did not drain in time", file=sys.stderr)


def _broker_toml(info: BrokerInfo) -> str:
    return (
        f'[broker]\nhost = "{info.host}"\nport = {info.port}\nprotocol = "{info.protocol}"\n'
        "reconnect_min_s = 0.5\nreconnect_max_s = 5.0\n"
    )


def _write_hub_config(run_dir: Path, info: BrokerInfo, http_port: int) -> Path:
    path = run_dir / "hub.toml"
    path.write_text(
        'hub_id = "demo-hub"\ndatabase_url = "sqlite:///hub.db"\n'
        f"shared_subscription = {'true' if info.shared_subscriptions else 'false'}\n"
        f"{_broker_toml(info)}\n[http]\nport = {http_port}\n",
        encoding="utf-8",
    )
    return path


def _write_kiosk_config(
    run_dir: Path, info: BrokerInfo, index: int, reader: ReaderSimulator, key_file: Path
) -> tuple[Path, Path]:
    station = f"st{(index - 1) % 10 + 1:02d}"
    path = run_dir / f"kiosk-{index}.toml"
    path.write_text(
        f'station = "{station}"\nkiosk = "k{index}"\ndata_dir = "kiosk-{index}"\n'
        f'id_hash_key_file = "{key_file.name}"\n{_broker_toml(info)}\n'
        f'[reader]\ndriver = "{reader.driver}"\nport = "{reader.port_path}"\n',
        encoding="utf-8",
    )
    return path, run_dir / f"kiosk-{index}"
