"""Check-ins per second stored by 1, 2 and 3 hub workers sharing PostgreSQL.

    .venv/bin/python bench/multiworker.py [--requests 3000] [--workers 1,2,3]

For each worker count: a fresh PostgreSQL database (on the local server,
or $LIANXIN_TEST_POSTGRES), a Mosquitto on a free loopback port, N
``lianxin hub`` processes with the same hub_id and a shared subscription,
then ``--requests`` check-ins published at once by ``--publishers`` MQTT
clients from 50 kiosks. Reports the time from the first publish to the
last reply, the rate, and how the requests spread over the workers.
Prints figures; asserts nothing. Everything runs on this machine and is
stopped (and the database dropped) afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion

from hub.app import migrate_one_at_a_time
from hub.db import make_engine
from lianxin.broker import BrokerInfo, BrokerProcess, free_port
from lianxin.network import broker_toml
from lianxin.processes import RoleProcess, answers_healthy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test helpers
from tests.system import envelopes

CANDIDATES = (
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
)
KIOSKS = 50
RUN_LIMIT_S = 180.0


def admin_url() -> str:
    configured = os.environ.get("LIANXIN_TEST_POSTGRES")
    for url in (configured,) if configured else CANDIDATES:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.Error:
            continue
    raise SystemExit("multiworker: no PostgreSQL server answers (set LIANXIN_TEST_POSTGRES)")


def wait_for(predicate: object, limit_s: float, what: str) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"multiworker: timed out waiting for {what}")
        time.sleep(0.05)


def handled(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
        lines = answer.read().decode().splitlines()
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in lines
        if line.startswith("lianxin_hub_requests_total{")
    )


def start_workers(
    run: Path, broker: BrokerInfo, url: str, count: int
) -> list[tuple[RoleProcess, int]]:
    workers = []
    for number in range(1, count + 1):
        folder = run / f"worker-{number}"
        folder.mkdir(parents=True)
        port = free_port()
        config = folder / "hub.toml"
        config.write_text(
            f'hub_id = "bench"\ndatabase_url = "{url}"\nshared_subscription = true\n'
            'kiosk_rate_per_s = 10000\nkiosk_burst = 100000\nlog_level = "WARNING"\n'
            f"{broker_toml(broker)}\n[http]\nport = {port}\n",
            encoding="utf-8",
        )
        process = RoleProcess(["hub", "--config", str(config)], folder / "hub.log").start()
        workers.append((process, port))
    for process, port in workers:
        wait_for(lambda p=port: answers_healthy(p), 60, "a hub worker to be healthy")
        assert process.alive
    return workers


def publish_at_once(broker: BrokerInfo, requests: int, publishers: int) -> float:
    """Seconds from the first publish to the last reply."""
    replies: set[str] = set()
    done = threading.Event()
    listener = mqtt.Client(CallbackAPIVersion.VERSION2, "bench-replies", protocol=mqtt.MQTTv5)

    def on_reply(_c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        replies.add(json.loads(msg.payload)["request_id"])
        if len(replies) >= requests:
            done.set()

    subscribed = threading.Event()
    listener.on_message = on_reply
    listener.on_subscribe = lambda *_args: subscribed.set()
    listener.connect(broker.host, broker.port)
    listener.loop_start()
    listener.subscribe("lianxin/v1/st/+/k/+/reply", qos=1)
    wait_for(subscribed.is_set, 10, "the reply listener")
    made = []
    for number in range(requests):
        kiosk = number % KIOSKS
        made.append(
            envelopes.check_in(
                f"st{kiosk % 10 + 1:02d}", f"b{kiosk}", number // KIOSKS + 1, f"{number:010X}"
            )[:2]
        )
    clients = []
    for index in range(publishers):
        client = mqtt.Client(CallbackAPIVersion.VERSION2, f"bench-{index}", protocol=mqtt.MQTTv5)
        client.max_inflight_messages_set(1000)
        client.connect(broker.host, broker.port)
        client.loop_start()
        clients.append(client)
    for client in clients:
        wait_for(client.is_connected, 10, "a publisher")
    started = time.monotonic()

    def send(index: int) -> None:
        for topic, payload in made[index::publishers]:
            clients[index].publish(topic, payload, qos=1)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(publishers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished = done.wait(RUN_LIMIT_S)
    elapsed = time.monotonic() - started
    for client in [*clients, listener]:
        client.disconnect()
        client.loop_stop()
    if not finished:
        raise SystemExit(f"multiworker: only {len(replies)}/{requests} replies in {RUN_LIMIT_S} s")
    return elapsed


@contextlib.contextmanager
def fresh_database(admin: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin`` (its SQLAlchemy URL), dropped after."""
    name = f"lianxin_bench_{secrets.token_hex(5)}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(admin)
    try:
        yield (
            f"postgresql+psycopg://{info.get('user', 'postgres')}@{info.get('host', '127.0.0.1')}"
            f":{info.get('port', '5432')}/{name}"
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def one_run(admin: str, workers: int, requests: int, publishers: int) -> dict[str, object]:
    with fresh_database(admin) as url:
        run = Path(tempfile.mkdtemp(prefix="lianxin-multiworker-"))
        broker = BrokerProcess(run / "broker", kind="mosquitto")
        started: list[tuple[RoleProcess, int]] = []
        try:
            engine = make_engine(url)
            migrate_one_at_a_time(engine)
            engine.dispose()
            broker.start()
            started = start_workers(run, broker.info, url, workers)
            elapsed = publish_at_once(broker.info, requests, publishers)
            spread = [handled(port) for _process, port in started]
        finally:
            for process, _port in started:
                process.terminate()
            broker.stop(kill=True)
    return {
        "workers": workers,
        "requests": requests,
        "seconds": round(elapsed, 2),
        "per_second": round(requests / elapsed, 1),
        "per_worker": spread,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--publishers", type=int, default=10)
    parser.add_argument("--workers", default="1,2,3", help="worker counts to try, e.g. 1,2,3")
    args = parser.parse_args()
    admin = admin_url()
    print(f"multiworker: {args.requests} check-ins per run, PostgreSQL, Mosquitto, loopback")
    for count in (int(part) for part in args.workers.split(",")):
        print(json.dumps(one_run(admin, count, args.requests, args.publishers)), flush=True)


if __name__ == "__main__":
    main()
