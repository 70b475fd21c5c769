"""Swipe to reply, against the physical limit measured in the same run.

    .venv/bin/python bench/e2e_latency.py [--kiosks 1,10,100] [--swipes 30] [--interval 0.5]
                                          [--rounds 3]

For each number of simulated kiosks: each kiosk core (real Outbox,
RequestWriter and HubLink, several kiosks per process) swipes every
``--interval`` seconds (where that makes fewer than ``MIN_SWIPES`` swipes
in all, as with one kiosk, they swipe more often in the same time:
``Load.at``); latency runs from the call into the kiosk core to the hub's
reply reaching its ``on_reply`` (outbox fsync, MQTT, hub commit, reply),
while the bench measures one durable SQLite commit of one row on
the same disk (the storage floor, ``CommitMeter``). Then the same schedule
with bare paho clients publishing to a bare echo responder through the
same broker (the wire's floor; the roles' own paho client and socket
handling, ``bench.stack.bare_client``, with nothing behind it). The
load's processes start swiping together, once all of them are connected
(``start_together``). At the most kiosks, the two alternate for
``--rounds`` rounds and their samples are pooled (``pooled``). Each swipe
is also split in three (``split_ms``): the kiosk's durable write, on to
the hub's batch (the reply's ``hub_time``), and the hub's transaction
with the way back. And both sides' CPU is counted per swipe
(``cpu_ms_per_swipe``): the load processes' own over their schedule,
the hub's (or the echo responder's thread) and the broker's over the
phase, start-ups included. On two vCPUs the swipes and the limit each
wait for the CPU their own side keeps busy. In the last round at the
most kiosks, the echo runs once more with a durable commit at each end
(``durable_echo_ms``): each client commits its row before it publishes,
the responder commits what it has taken together before it answers
(``DurableEchoResponder``). That is the floor of any design that, like
ours, commits at the kiosk before it sends and at the hub before it
answers, with no code of ours on the way; the part of the ratio above it
is our code's; its CPU per swipe is counted as the other two sides'
are. Prints one JSON line; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.stack import RATIO_PLACES, bare_client, cpu_s, percentile, ratio_at_most, start_hub
from config.lifecycle import freeze_startup_heap
from config.settings import BrokerSettings, KioskSettings, PacingSettings
from devices.scan import CredentialKind, ScanEvent
from kiosk.core.link import HubLink
from kiosk.core.outbox import Outbox
from kiosk.core.requests import RequestWriter
from lianxin.network import LocalNetwork
from protocol.connection import Connection
from protocol.replies import Reply

KIOSKS_PER_PROCESS = 25
MIN_SWIPES = 300  # at each number of kiosks: p99 is then the fourth slowest (Load.at)
ECHO_PAYLOAD = b"x" * 420  # about a check-in request's size
READY = "ready"
START_MARGIN_S = 0.2  # from the last process's "ready" to everyone's first swipe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kiosks", default="1,10,100")
    parser.add_argument(
        "--swipes", type=int, default=30, help=f"per kiosk; {MIN_SWIPES} at least at each level"
    )
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between swipes")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds at the most kiosks (pooled)"
    )
    parser.add_argument("--role", choices=["bench", "kiosks", "echo"], default="bench")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    load = Load(args.port, args.swipes, args.interval)
    if args.role == "kiosks":
        report(*run_kiosks(args.first, args.count, load, args.dir))
    elif args.role == "echo":
        report(*run_echo_clients(args.first, args.count, load, args.dir))
    else:
        levels = [int(n) for n in args.kiosks.split(",")]
        print(json.dumps(bench(levels, args.swipes, args.interval, args.rounds)))


def bench(levels: list[int], swipes: int, interval: float, rounds: int) -> dict[str, Any]:
    run_dir = Path(tempfile.mkdtemp(prefix="lianxin-bench-e2e-"))
    network = LocalNetwork(run_dir)
    results: dict[str, Any] = {
        "swipes_per_kiosk": swipes,
        "interval_s": interval,
        "rounds_at_most_kiosks": rounds,
        "levels": {},
    }
    try:
        network.broker.start()
        hub = start_hub(network, kiosk_rate_per_s=10_000)
        assert hub.popen is not None and network.broker.pid is not None
        load = Load(network.broker_info.port, swipes, interval)
        pids = Pids(hub=hub.popen.pid, broker=network.broker.pid)
        for kiosks in levels:
            most = kiosks == max(levels)
            count = rounds if most else 1
            level = load.at(kiosks)
            measured = [
                measure_round(kiosks, level, run_dir, pids, durable_echo=most and n == count - 1)
                for n in range(count)
            ]
            results["levels"][str(kiosks)] = {
                "swipes_per_kiosk": level.swipes,
                "interval_s": round(level.interval, 4),
                **pooled(measured),
            }
    finally:
        network.stop_all()
    return results


@dataclass
class Round:
    """One round at one number of kiosks: the swipes, then the echo on the same schedule."""

    swipes_ms: list[list[float]]  # per swipe: [scan to reply, write, to the hub]
    echo: list[float]
    commits: list[float]  # the limit's commit, measured while the kiosks swiped
    quiet_commits: list[float]  # the same meter during the echo run
    cpu_s: dict[str, dict[str, float]]  # per side ("swipe", "echo"): CPU s by process
    durable_echo: list[float]  # an echo with a commit at each end (the last round's only)
    durable_cpu_s: dict[str, float]  # its CPU s by process (clients, responder, broker)

    def ratios(self) -> dict[str, float]:
        e2e = percentile([swipe[0] for swipe in self.swipes_ms], 0.99)
        echo, commit = percentile(self.echo, 0.99), percentile(self.commits, 0.99)
        ratios = {
            "e2e_p99": round(e2e, 2),
            "echo_p99": round(echo, 2),
            "commit_p99": round(commit, 2),
            "ratio": ratio_at_most(e2e / (echo + commit)),
        }
        if self.durable_echo:
            durable = percentile(self.durable_echo, 0.99)
            ratios["durable_echo_p99"] = round(durable, 2)
            ratios["durable_echo_ratio"] = round(durable / (echo + commit), RATIO_PLACES)
        return ratios


@dataclass(frozen=True)
class Pids:
    hub: int
    broker: int


def measure_round(
    kiosks: int, load: Load, run_dir: Path, pids: Pids, durable_echo: bool = False
) -> Round:
    # A later round reopens the same outboxes: each kiosk's sequence goes on.
    hub_at, broker_at = cpu_s(pids.hub), cpu_s(pids.broker)
    with CommitMeter(run_dir / f"commit-{kiosks}.db") as commits:
        swipes_ms, kiosks_cpu = spread("kiosks", kiosks, load, run_dir / f"kiosks-{kiosks}")
    swipe_cpu = {
        "kiosks": kiosks_cpu,
        "hub": cpu_s(pids.hub) - hub_at,
        "broker": cpu_s(pids.broker) - broker_at,
    }
    responder = EchoResponder(load.port)
    try:
        responder_at, broker_at = responder.cpu_s(), cpu_s(pids.broker)
        with CommitMeter(run_dir / f"commit-quiet-{kiosks}.db") as quiet_commits:
            echo, clients_cpu = spread("echo", kiosks, load, None)
        echo_cpu = {
            "clients": clients_cpu,
            "responder": responder.cpu_s() - responder_at,
            "broker": cpu_s(pids.broker) - broker_at,
        }
    finally:
        responder.stop()
    durable: list[float] = []
    durable_cpu: dict[str, float] = {}
    if durable_echo:
        durable_responder = DurableEchoResponder(load.port, run_dir / "durable-echo.db")
        try:
            responder_at, broker_at = durable_responder.cpu_s(), cpu_s(pids.broker)
            durable, clients_cpu = spread("echo", kiosks, load, run_dir / f"durable-echo-{kiosks}")
            durable_cpu = {
                "clients": clients_cpu,
                "responder": durable_responder.cpu_s() - responder_at,
                "broker": cpu_s(pids.broker) - broker_at,
            }
        finally:
            durable_responder.stop()
    return Round(
        swipes_ms,
        echo,
        commits,
        quiet_commits,
        {"swipe": swipe_cpu, "echo": echo_cpu},
        durable,
        durable_cpu,
    )


def pooled(rounds: list[Round]) -> dict[str, Any]:
    """Every round's samples at one number of kiosks, pooled; each round's own ratio beside.

    The swipes and their limit are measured one after the other, about 15 s
    each; this machine's broker and disk drift within minutes. Alternating
    rounds of the two and pooling their samples gives each side the same
    minutes, and more samples behind each p99.
    """
    floors = [one.durable_cpu_s for one in rounds if one.durable_cpu_s]  # the last round's
    whole = Round(
        [swipe for one in rounds for swipe in one.swipes_ms],
        [ms for one in rounds for ms in one.echo],
        [ms for one in rounds for ms in one.commits],
        [ms for one in rounds for ms in one.quiet_commits],
        {
            side: {
                part: sum(one.cpu_s[side][part] for one in rounds) for part in rounds[0].cpu_s[side]
            }
            for side in rounds[0].cpu_s
        },
        [ms for one in rounds for ms in one.durable_echo],
        {part: sum(cpu[part] for cpu in floors) for part in floors[0]} if floors else {},
    )
    e2e = [swipe[0] for swipe in whole.swipes_ms]
    return {
        "e2e_ms": summary(e2e),
        "echo_ms": summary(whole.echo),
        "commit_ms": summary(whole.commits),
        "commit_quiet_ms": summary(whole.quiet_commits),
        "split_ms": {
            "kiosk_write": summary([swipe[1] for swipe in whole.swipes_ms]),
            "to_hub": summary([swipe[2] for swipe in whole.swipes_ms]),
            "hub_and_back": summary([a - b - c for a, b, c in whole.swipes_ms]),
        },
        "cpu_ms_per_swipe": {
            "swipe": per_swipe(whole.cpu_s["swipe"], len(whole.swipes_ms)),
            "echo": per_swipe(whole.cpu_s["echo"], len(whole.echo)),
            **(
                {"durable_echo": per_swipe(whole.durable_cpu_s, len(whole.durable_echo))}
                if whole.durable_cpu_s
                else {}
            ),
        },
        "rounds": [one.ratios() for one in rounds],
        "e2e_samples": e2e,
        "echo_samples": whole.echo,
        "commit_samples": whole.commits,
        **(
            {
                "durable_echo_ms": summary(whole.durable_echo),
                "durable_echo_samples": whole.durable_echo,
            }
            if whole.durable_echo
            else {}
        ),
    }


def per_swipe(cpu: dict[str, float], swipes: int) -> dict[str, float]:
    """CPU ms per swipe by process, and their total."""
    parts = {part: round(seconds * 1000 / max(swipes, 1), 3) for part, seconds in cpu.items()}
    return {**parts, "total": round(sum(cpu.values()) * 1000 / max(swipes, 1), 3)}


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.50), 2),
        "p99": round(percentile(values, 0.99), 2),
        "max": round(max(values), 2) if values else float("nan"),
    }


@dataclass(frozen=True)
class Load:
    """Where to send, and how often each simulated kiosk swipes."""

    port: int
    swipes: int
    interval: float

    def at(self, kiosks: int) -> Load:
        """This schedule for ``kiosks`` kiosks: as long as ever, but ``MIN_SWIPES`` swipes at least.

        With 30 swipes a kiosk, one kiosk's p99 was its slowest swipe, one
        disk stall made the figure (a 37.6 ms write in a 43.9 ms p99,
        twenty-seventh round). Fewer kiosks than ``MIN_SWIPES / swipes``
        swipe more often instead, in the same time: a lone kiosk every 50 ms
        rather than every 500, still idle between two swipes.
        """
        per_kiosk = max(self.swipes, math.ceil(MIN_SWIPES / kiosks))
        return Load(self.port, per_kiosk, self.swipes * self.interval / per_kiosk)


def spread(role: str, kiosks: int, load: Load, directory: Path | None) -> tuple[list[Any], float]:
    """Run ``kiosks`` simulated kiosks, at most KIOSKS_PER_PROCESS a process.

    All their latencies, and the CPU seconds the processes used over their
    schedules (``report``). A latency is a number for the echo clients, and
    ``run_kiosks``'s three for the kiosks.
    """
    processes = []
    for first in range(1, kiosks + 1, KIOSKS_PER_PROCESS):
        count = min(KIOSKS_PER_PROCESS, kiosks - first + 1)
        command = [
            sys.executable,
            __file__,
            "--role",
            role,
            "--port",
            str(load.port),
            "--first",
            str(first),
            "--count",
            str(count),
            "--swipes",
            str(load.swipes),
            "--interval",
            str(load.interval),
        ]
        if directory is not None:
            command += ["--dir", str(directory)]
        processes.append(
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        )
    start_together(processes)
    latencies: list[Any] = []
    used = 0.0
    for process in processes:
        out, _ = process.communicate(timeout=600)
        result = json.loads(out.strip().splitlines()[-1])
        latencies.extend(result["latencies"])
        used += result["cpu_s"]
    return latencies, used


def report(latencies: list[Any], cpu_seconds: float) -> None:
    """A load process's last line: its latencies, and its CPU seconds since the common start."""
    print(json.dumps({"latencies": latencies, "cpu_s": cpu_seconds}))


def start_together(processes: list[subprocess.Popen[str]]) -> None:
    """Wait until every process is ready, then give them one start time.

    A process's start-up (imports, connecting its clients) takes the CPU for
    about a second; without a common start, the first processes' swipes
    would share the two vCPUs with the last ones' start-up.
    """
    for process in processes:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != READY:
            raise RuntimeError(f"a load process did not start: {line!r}")
    begin = time.monotonic() + START_MARGIN_S  # CLOCK_MONOTONIC: one clock for every process
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(f"{begin}\n")
        process.stdin.flush()  # communicate() closes it


def wait_for_start() -> float:
    """Say this process is ready, and wait for the common start time (``start_together``)."""
    print(READY, flush=True)
    return float(sys.stdin.readline())


def schedule(count: int, swipes: int, interval: float) -> list[tuple[float, int]]:
    """(offset in s, kiosk index) for every swipe: each kiosk every ``interval``, random phase."""
    plan: list[tuple[float, int]] = []
    for index in range(count):
        phase = random.uniform(0, interval)
        plan.extend((phase + n * interval, index) for n in range(swipes))
    return sorted(plan)


def run_kiosks(
    first: int, count: int, load: Load, directory: Path
) -> tuple[list[list[float]], float]:
    """Kiosk cores in this process; for every swipe, ms: [scan to reply, write, to the hub].

    Also returns the CPU seconds the process used from the common start (``report``).

    The write is the kiosk core's durable outbox write; "to the hub" runs
    from its end to the reply's ``hub_time``, when the hub's batch took the
    request (wall clocks of one machine); the rest is the hub's transaction
    and commit, the reply's way back and the kiosk taking it.
    """
    port, swipes, interval = load.port, load.swipes, load.interval
    lock = threading.Lock()
    started: dict[str, _Swipe] = {}
    latencies: list[list[float]] = []
    done = threading.Event()
    total = count * swipes

    def on_reply(reply: Reply) -> None:
        now = time.perf_counter()
        with lock:
            swipe = started.pop(reply.request_id or "", None)
            if swipe is not None:
                to_hub = reply.hub_time.timestamp() - swipe.written_at
                latencies.append([(now - swipe.begun) * 1000, swipe.write_s * 1000, to_hub * 1000])
            if len(latencies) == total:
                done.set()

    kiosks = []
    for number in range(first, first + count):
        settings = KioskSettings(
            station=f"st{(number - 1) % 10 + 1:02d}",
            kiosk=f"b{number}",
            broker=BrokerSettings(port=port, reconnect_min_s=0.5, reconnect_max_s=2.0),
            pacing=PacingSettings(),
        )
        outbox = Outbox(directory / f"b{number}.db")
        link = HubLink(settings, outbox, on_reply=on_reply)
        kiosks.append((RequestWriter(outbox, settings.station, settings.kiosk), link, settings))
        link.start()
    deadline = time.monotonic() + 60
    while not all(link.connected for _, link, _ in kiosks) and time.monotonic() < deadline:
        time.sleep(0.05)
    freeze_startup_heap()  # as a kiosk process does once it is up
    begin = wait_for_start()
    started_cpu = time.process_time()
    for offset, index in schedule(count, swipes, interval):
        delay = begin + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        writer, link, settings = kiosks[index]
        scan = ScanEvent(
            reader_id=f"{settings.kiosk}-em4100",
            kind=CredentialKind.RFID_EM4100,
            credential=f"{random.randrange(5000):010X}",
            display="",
            read_at=datetime.now(UTC),
        )
        t0 = time.perf_counter()
        entry = writer.check_in(scan)
        written, written_at = time.perf_counter(), time.time()
        with lock:
            started[entry.request_id] = _Swipe(t0, written - t0, written_at)
        link.wake(entry)
    done.wait(timeout=120)
    for _, link, _ in kiosks:
        link.stop()
    return latencies, time.process_time() - started_cpu


@dataclass(frozen=True)
class _Swipe:
    begun: float  # perf_counter at the call into the kiosk core
    write_s: float  # the core's durable write
    written_at: float  # wall clock when it returned, to compare with the reply's hub_time


def echo_reply_topic(request_topic: str) -> str:
    return request_topic[: -len("req")] + "reply"


class EchoResponder:
    """A bare subscriber that republishes every request to its reply topic (QoS 1)."""

    def __init__(self, port: int) -> None:
        self._client = bare_client("bench-echo")
        self._thread = 0  # paho's loop thread, which runs the callbacks
        ready = threading.Event()
        self._client.on_connect = self._subscribe
        self._client.on_subscribe = lambda *_: ready.set()
        self._client.on_message = self._echo
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()
        ready.wait(10)

    def _subscribe(self, client: mqtt.Client, *_: Any) -> None:
        self._thread = threading.get_native_id()
        client.subscribe("bench/echo/+/req", qos=1)

    @staticmethod
    def _echo(client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        client.publish(echo_reply_topic(msg.topic), msg.payload, qos=1)

    def cpu_s(self) -> float:
        """CPU seconds the responder's network thread (paho's loop) has used."""
        return cpu_s(os.getpid(), self._thread) if self._thread else 0.0

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


class DurableEchoResponder:
    """An echo responder that stores what it takes in one durable commit before it answers.

    Built as the hub takes requests (hub/worker.py), with nothing of the
    hub's own: one thread turns the connection (``Connection``), takes
    every request that has arrived, commits them together (group commit:
    one fsync for all of them), then publishes their replies together.
    Answering each request with a commit of its own would make its own
    queue behind the disk, a floor no design needs.
    """

    def __init__(self, port: int, path: Path) -> None:
        self._client = bare_client("bench-durable-echo")
        self._store = DurableRow(path)
        self._stop = threading.Event()
        self._taken: list[mqtt.MQTTMessage] = []
        self._ready = threading.Event()
        self._client.on_connect = lambda client, *_: client.subscribe("bench/echo/+/req", qos=1)
        self._client.on_subscribe = lambda *_: self._ready.set()
        self._client.on_message = lambda _client, _userdata, msg: self._taken.append(msg)
        self._connection = Connection(self._client, BrokerSettings(port=port), self._stop)
        self._client.connect("127.0.0.1", port)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._connection.turn(0.1)
            if not self._taken:
                continue
            taken, self._taken = self._taken, []
            self._store.commit_many([msg.payload for msg in taken])
            with self._connection.holding_writes():
                for msg in taken:
                    self._client.publish(echo_reply_topic(msg.topic), msg.payload, qos=1)

    def cpu_s(self) -> float:
        """CPU seconds the responder's thread (its connection, commits and replies) has used."""
        native = self._thread.native_id
        return cpu_s(os.getpid(), native) if native is not None else 0.0

    def stop(self) -> None:
        self._stop.set()
        self._connection.wake()
        self._thread.join(timeout=5)
        self._connection.leave(None)  # DISCONNECT, and the wake-up socket closed
        self._store.close()


def run_echo_clients(
    first: int, count: int, load: Load, directory: Path | None = None
) -> tuple[list[float], float]:
    """Bare clients on the kiosks' schedule; round trip (ms) through the echo responder.

    With ``directory``, each client first stores its request in one durable
    commit of its own file there (``DurableRow``), as a kiosk does before
    it sends: with a responder that commits too, the round trip is the
    floor of a design with two durable commits in a row.

    Also returns the CPU seconds the process used from the common start (``report``).
    """
    port, swipes, interval = load.port, load.swipes, load.interval
    lock = threading.Lock()
    started: dict[str, float] = {}
    latencies: list[float] = []
    done = threading.Event()
    total = count * swipes
    clients = []
    subscribed = threading.Semaphore(0)

    def on_message(_c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        now = time.perf_counter()
        key = bytes(msg.payload[:24]).decode()
        with lock:
            begun = started.pop(key, None)
            if begun is not None:
                latencies.append((now - begun) * 1000)
            if len(latencies) == total:
                done.set()

    stores = {}
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        stores = {n: DurableRow(directory / f"e{n}.db") for n in range(first, first + count)}
    for number in range(first, first + count):
        client = bare_client(f"bench-echo-{number}")
        client.on_message = on_message
        client.on_subscribe = lambda *_: subscribed.release()
        client.connect("127.0.0.1", port)
        client.loop_start()
        client.subscribe(f"bench/echo/{number}/reply", qos=1)
        clients.append((number, client))
    for _ in clients:
        subscribed.acquire(timeout=30)
    freeze_startup_heap()  # the same process set-up as the kiosks'
    begin = wait_for_start()
    started_cpu = time.process_time()
    for sent, (offset, index) in enumerate(schedule(count, swipes, interval)):
        delay = begin + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        number, client = clients[index]
        key = f"{number:08d}-{sent:015d}"
        payload = key.encode() + ECHO_PAYLOAD
        with lock:
            started[key] = time.perf_counter()
        if stores:
            stores[number].commit_many([payload])
        client.publish(f"bench/echo/{number}/req", payload, qos=1)
    done.wait(timeout=120)
    for _, client in clients:
        client.disconnect()
        client.loop_stop()
    for store in stores.values():
        store.close()
    return latencies, time.process_time() - started_cpu


class DurableRow:
    """Rows stored in one durable commit a call (WAL, synchronous=FULL).

    The limit's commit (``measure_commits``, one row) and the floor's, at
    both ends of the durable echo.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE IF NOT EXISTS row (id INTEGER PRIMARY KEY, body BLOB)")

    def commit_many(self, bodies: list[bytes]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO row (body) VALUES (?)", [(body,) for body in bodies])
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


class CommitMeter:
    """``measure_commits`` in a thread for the length of a ``with`` block; the latencies.

    The limit's commit is measured while the kiosks swipe, on the same disk:
    a moment when the disk is slow (this VM's fsync p99 moves between 1 and
    4 ms from one minute to the next) slows the swipes and the floor alike,
    so their ratio holds. ``commit_quiet_ms`` is the same meter during the
    echo run, when only the meter writes, for comparison.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stop = threading.Event()
        self.latencies: list[float] = []
        self._thread = threading.Thread(
            target=measure_commits, args=(path, self._stop, self.latencies), daemon=True
        )

    def __enter__(self) -> list[float]:
        self._thread.start()
        return self.latencies

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure_commits(path: Path, stop: threading.Event, out: list[float]) -> None:
    """One durable commit (WAL, synchronous=FULL) of one row, every 5 ms, until ``stop``.

    Every 5 ms, the 100 kiosks' rate of swipes, gives some 3,000 samples a
    run: a p99 that is the 31st slowest (nearest rank), not the 8th, and so
    steadier.
    """
    store = DurableRow(path)
    row = [b"x" * 300]
    while not stop.wait(0.005):
        start = time.perf_counter()
        store.commit_many(row)
        out.append((time.perf_counter() - start) * 1000)
    store.close()


if __name__ == "__main__":
    main()
