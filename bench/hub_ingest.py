"""Hub ingest: check-ins stored and answered per second, against raw broker fan-in.

    .venv/bin/python bench/hub_ingest.py [--messages 40000] [--kiosks 10] [--rounds 3]

The load comes from ``mosquitto_pub -l`` (one C client per kiosk, QoS 1,
MQTT 5, envelopes made before the clock starts), so the generator is never
what limits the figure, and the Python processes measured have the cores.

- **Raw fan-in** (the limit): the same publishers, the same broker, into a
  bare QoS 1 subscriber in its own process that does nothing with a
  message: the hub's own paho client (``bench.stack.bare_client``), so it
  is what the hub's MQTT stack can take off this broker here. For scale,
  measured once each: ``fanin_paho`` with stock paho as the subscriber
  (the limit until the thirteenth round; slower than the hub's stack),
  and ``fanin_c`` with ``mosquitto_sub`` (C), the broker's own ceiling.
- **Hub ingest**: the hub (one process, SQLite, then PostgreSQL on a
  fresh database of the local server when one answers) takes the kiosks' check-ins
  (every one valid, a different card every time the 5,000 are used up),
  stores them, and replies; ``mosquitto_sub`` counts the replies. The rate
  is replies over the time from the first publish to the last reply; the
  stored rows are counted afterwards. PostgreSQL runs twice: on the new
  database, then with statistics of what that stored (see
  ``ingest_on_postgres``); the second is its figure, the first ``fresh``.

The bare fan-in and the SQLite hub run in turns (``--rounds``, each hub
round with new kiosks' check-ins): this machine's rates drift by a third
within minutes, so one limit measured a minute before one hub run could
make the ratio by itself. Each rate is its median round, with every
round's rate beside it; the hub's ratio is the median of each round's
ratio to the fan-in measured just before it (``ratios``).

The hub runs with a per-kiosk rate limit high enough not to refuse the
flood (a capacity figure, not a policy one). Prints one JSON line (with
messages-per-0.5 s curves); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.multiworker import admin_url, fresh_database
from bench.stack import bare_client, cpu_s, ratio_at_least, run_queue_s, start_hub
from lianxin.network import LocalNetwork
from lianxin.processes import RoleProcess
from lianxin.tally import tally
from tests.system import envelopes

BUCKET_S = 0.5
T = TypeVar("T")
REPLIES = "lianxin/v1/st/+/k/+/reply"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=40_000)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="fan-in and SQLite hub, alternated")
    parser.add_argument(
        "--sink", nargs=3, metavar=("KIND", "PORT", "COUNT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.sink:
        paho_sink(args.sink[0], int(args.sink[1]), int(args.sink[2]))
        return
    if shutil.which("mosquitto_pub") is None:
        sys.exit("bench/hub_ingest.py needs mosquitto_pub and mosquitto_sub (mosquitto-clients)")
    run_dir = Path(tempfile.mkdtemp(prefix="lianxin-bench-ingest-"))
    network = LocalNetwork(run_dir)
    per_kiosk = args.messages // args.kiosks
    try:
        network.broker.start()
        port = network.broker_info.port
        fanin_lines = _fanin_lines(run_dir, per_kiosk, args.kiosks)
        fanin_c = raw_fanin(port, fanin_lines, None)
        fanin_paho = raw_fanin(port, fanin_lines, _sink("stock"))
        hub = start_hub(network, kiosk_rate_per_s=1_000_000)
        fanins, sqlites = [], []
        for round_ in range(args.rounds):
            # A limit and the hub, minute by minute: each ratio compares neighbours.
            loads = _check_in_lines(run_dir, per_kiosk, args.kiosks, name=f"r{round_}k")
            fanins.append(raw_fanin(port, fanin_lines, _sink("lean")))
            sqlites.append(measured_ingest(hub, port, loads))
        fanin, sqlite = _median_round(fanins), _median_round(sqlites)
        sqlite["rows"] = tally([], network.hub_database_url).stored
        ratios = [
            ratio_at_least(hub_round["per_s"] / limit["per_s"])
            for hub_round, limit in zip(sqlites, fanins, strict=True)
        ]
        sqlite["ratios"], sqlite["ratio"] = ratios, _middle(ratios, key=float)
        postgres = ingest_on_postgres(network, hub, port, per_kiosk, args.kiosks)
    finally:
        network.stop_all()
    print(
        json.dumps(
            {
                "fanin": fanin,
                "fanin_paho": fanin_paho,
                "fanin_c": fanin_c,
                "hub_sqlite": sqlite,
                "hub_pg": postgres,
            }
        )
    )


def _sink(kind: str) -> list[str]:
    """The command of a no-op subscriber process (``paho_sink``) of ``kind``."""
    return [sys.executable, __file__, "--sink", kind]


def measured_ingest(hub: RoleProcess, port: int, loads: list[tuple[str, Path]]) -> dict[str, Any]:
    """``hub_ingest``, plus the hub's CPU per check-in (steadier on a shared machine).

    And how long the hub's threads waited for a CPU, as a share of the
    round: what the other processes on the machine took from it.
    """
    assert hub.popen is not None
    pid = hub.popen.pid
    before, waited_before = cpu_s(pid), run_queue_s(pid)
    figures = hub_ingest(port, loads)
    used, waited = cpu_s(pid) - before, run_queue_s(pid) - waited_before
    figures["hub_cpu_us_per_message"] = round(used / max(1, figures["messages"]) * 1e6, 1)
    figures["hub_waiting_for_cpu"] = round(waited / max(1e-9, figures["seconds"]), 2)
    return figures


def ingest_on_postgres(
    network: LocalNetwork, hub: RoleProcess, port: int, per_kiosk: int, kiosks: int
) -> dict[str, Any] | None:
    """The same run with the hub on PostgreSQL; None without a server.

    Twice, as a hub sees it: first on a new, empty database, then once
    PostgreSQL has statistics of what the first run stored (``ANALYZE``,
    which autovacuum runs on its own within a minute of a busy start),
    with new check-ins from other kiosks. The second is the hub's steady
    figure; the first, under ``fresh``, is its first minute: without
    statistics the planner guesses at row counts and may read whole tables.
    The first run stores a quarter of the messages: it is there for scale
    and to give ``ANALYZE`` tables to read, and at its pace (500-2,000/s)
    the whole load took a minute of a slow machine's bench budget.
    """
    try:
        admin = admin_url()
    except SystemExit as absent:
        print(f"hub_ingest: no PostgreSQL figure: {absent}", file=sys.stderr)
        return None
    with fresh_database(admin) as url:
        hub.terminate()
        config = network.run_dir / "hub.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace('database_url = "sqlite:///hub.db"', f'database_url = "{url}"'),
            encoding="utf-8",
        )
        hub.start()
        network.wait_hub_healthy()
        run_dir = network.run_dir
        fresh = measured_ingest(hub, port, _check_in_lines(run_dir, per_kiosk // 4, kiosks))
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
            connection.execute("ANALYZE")
        figures = measured_ingest(hub, port, _check_in_lines(run_dir, per_kiosk, kiosks, name="j"))
        hub.terminate()
        figures["rows"] = tally([], url).stored
        figures["fresh"] = fresh
        return figures


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median rate, and every round's rate under ``rounds``."""
    middle = _middle(rounds, key=lambda figures: float(figures["per_s"]))
    return {**middle, "rounds": [figures["per_s"] for figures in rounds]}


def _middle(items: list[T], key: Callable[[T], float]) -> T:
    """The median item by ``key`` (the upper one of an even count): one of ``items``."""
    return sorted(items, key=key)[len(items) // 2]


# -- the load -----------------------------------------------------------------------


def _check_in_lines(
    run_dir: Path, per_kiosk: int, kiosks: int, name: str = "i"
) -> list[tuple[str, Path]]:
    """(topic, file of one envelope a line) per kiosk, for ``mosquitto_pub -l``.

    The kiosks are named ``name`` and a number.
    """
    made = []
    for n in range(kiosks):
        station, kiosk = f"st{n % 10 + 1:02d}", f"{name}{n + 1}"
        path = run_dir / f"load-{kiosk}.jsonl"
        topic = ""
        with path.open("wb") as out:
            for i in range(per_kiosk):
                card = f"{(n * per_kiosk + i) % 5000:010X}"
                topic, payload, _ = envelopes.check_in(station, kiosk, i + 1, card)
                out.write(payload + b"\n")
        made.append((topic, path))
    return made


def _fanin_lines(run_dir: Path, per_kiosk: int, kiosks: int) -> list[tuple[str, Path]]:
    """The same sizes of payload, on topics only the no-op subscriber listens to."""
    return [
        (f"bench/fanin/{n}", path)
        for n, (_, path) in enumerate(_check_in_lines(run_dir, per_kiosk, kiosks))
    ]


def _publish(port: int, loads: list[tuple[str, Path]]) -> list[subprocess.Popen[bytes]]:
    started = []
    for topic, path in loads:
        with path.open("rb") as lines:
            started.append(
                subprocess.Popen(
                    ["mosquitto_pub", "-p", str(port), "-V", "5", "-q", "1", "-t", topic, "-l"],
                    stdin=lines,
                )
            )
    return started


def _lines(path: Path) -> int:
    with path.open("rb") as lines:
        return sum(1 for _ in lines)


# -- the measurements ---------------------------------------------------------------


def raw_fanin(port: int, loads: list[tuple[str, Path]], paho: list[str] | None) -> dict[str, Any]:
    """Publishes per second reaching a no-op QoS 1 subscriber (C when ``paho`` is None)."""
    total = sum(_lines(path) for _, path in loads)
    if paho is not None:
        sink = subprocess.Popen(
            [*paho, str(port), str(total)], stdout=subprocess.PIPE, text=True, bufsize=1
        )
    else:
        sink = _mosquitto_sub(port, "bench/fanin/#", total)
    arrivals = _Arrivals(sink, total)
    start = time.monotonic()
    publishers = _publish(port, loads)
    arrivals.done.wait(300)
    for publisher in publishers:
        publisher.wait(timeout=60)
    sink.kill()
    return arrivals.figures(start)


def hub_ingest(port: int, loads: list[tuple[str, Path]]) -> dict[str, Any]:
    """Check-ins per second stored and answered by the hub."""
    total = sum(_lines(path) for _, path in loads)
    replies = _Arrivals(_mosquitto_sub(port, REPLIES, total), total)
    start = time.monotonic()
    publishers = _publish(port, loads)
    if not replies.done.wait(180):
        alive = replies.process.poll() is None
        print(
            f"only {len(replies.times)} of {total} replies arrived (subscriber alive: {alive})",
            file=sys.stderr,
        )
    for publisher in publishers:
        publisher.wait(timeout=60)
    replies.process.kill()
    return replies.figures(start)


def _mosquitto_sub(port: int, topic: str, count: int) -> subprocess.Popen[str]:
    """A C subscriber printing each payload, and its SUBACK (``-d``) once subscribed."""
    return subprocess.Popen(
        # stdbuf: a line as soon as it is printed, not a pipe buffer later.
        ["stdbuf", "-oL", "mosquitto_sub", "-p", str(port), "-V", "5", "-q", "1", "-t", topic, "-d",
         "-C", str(count)],
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )  # fmt: skip


class _Arrivals:
    """Times of the messages a subscriber process reports, one line each.

    The subscriber says "SUBACK" once subscribed (``__init__`` waits for
    it) and then prints one line per message starting with ``{``.
    """

    def __init__(self, process: subprocess.Popen[str], expected: int) -> None:
        self.process = process
        self.expected = expected
        self.times: list[float] = []
        self.done = threading.Event()
        self._subscribed = threading.Event()
        assert process.stdout is not None
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()
        if not self._subscribed.wait(15):
            raise RuntimeError("the subscriber did not subscribe within 15 s")

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            if line.startswith("{"):
                self.times.append(time.monotonic())
                if len(self.times) >= self.expected:
                    break
            elif "SUBACK" in line:
                self._subscribed.set()
        self.done.set()

    def figures(self, start: float) -> dict[str, Any]:
        elapsed = (self.times[-1] if self.times else time.monotonic()) - start
        return {
            "messages": len(self.times),
            "seconds": round(elapsed, 2),
            "per_s": round(len(self.times) / elapsed, 1),
            "curve": curve(self.times, start),
        }


def curve(times: list[float], start: float) -> list[int]:
    """Messages per BUCKET_S from ``start``."""
    buckets: list[int] = []
    for at in times:
        index = int((at - start) / BUCKET_S)
        buckets.extend([0] * (index + 1 - len(buckets)))
        buckets[index] += 1
    return buckets


def paho_sink(kind: str, port: int, count: int) -> None:
    """The no-op subscriber, a line per message: the hub's client (``lean``) or stock paho."""
    received = 0
    finished = threading.Event()
    if kind == "lean":
        client = bare_client("bench-sink")
    elif kind == "stock":
        client = mqtt.Client(CallbackAPIVersion.VERSION2, "bench-sink", protocol=mqtt.MQTTv5)
    else:
        raise SystemExit(f"hub_ingest: no subscriber of kind {kind!r} (lean or stock)")

    def on_message(_c: mqtt.Client, _u: Any, _m: mqtt.MQTTMessage) -> None:
        nonlocal received
        received += 1
        sys.stdout.write("{}\n")
        if received >= count:
            finished.set()

    client.on_message = on_message
    client.on_subscribe = lambda *_: print("SUBACK", flush=True)
    client.connect("127.0.0.1", port)
    client.subscribe("bench/fanin/#", qos=1)
    client.loop_start()
    finished.wait(300)
    sys.stdout.flush()
    client.disconnect()
    client.loop_stop()


if __name__ == "__main__":
    main()
