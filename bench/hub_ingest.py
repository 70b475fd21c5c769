"""Hub ingest: check-ins stored and answered per second, against raw broker fan-in.

    .venv/bin/python bench/hub_ingest.py [--messages 20000] [--publishers 10]

Raw fan-in: ``--publishers`` bare paho clients publish QoS 1 as fast as
they can to one no-op QoS 1 subscriber; the rate is what reaches it. Hub
ingest: the same clients publish valid check-in requests (one kiosk each)
to the hub (SQLite, one process) and count its replies; each keeps at most
``--window`` requests unanswered, as a kiosk's outbox does. Both in the same
run, on the same broker. Prints one JSON line (with replies-per-0.5 s
curves); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.stack import start_hub
from lianxin.network import LocalNetwork
from protocol.topics import reply_topic
from tests.system import envelopes

BUCKET_S = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--publishers", type=int, default=10)
    parser.add_argument("--window", type=int, default=500, help="unanswered per publisher")
    args = parser.parse_args()
    network = LocalNetwork(Path(tempfile.mkdtemp(prefix="lianxin-bench-ingest-")))
    try:
        network.broker.start()
        port = network.broker_info.port
        fanin = raw_fanin(port, args.messages, args.publishers)
        start_hub(network, kiosk_rate_per_s=100_000)
        ingest = hub_ingest(port, args.messages, args.publishers, args.window)
    finally:
        network.stop_all()
    counts = network.tally()
    print(json.dumps({"fanin": fanin, "hub_sqlite": ingest, "hub_rows": counts.stored}))


def client(name: str, port: int) -> mqtt.Client:
    made = mqtt.Client(CallbackAPIVersion.VERSION2, name, protocol=mqtt.MQTTv5)
    made.max_inflight_messages_set(1000)
    made.max_queued_messages_set(0)
    made.connect("127.0.0.1", port)
    made.loop_start()
    return made


def curve(times: list[float], start: float) -> list[int]:
    """Messages per BUCKET_S from ``start``."""
    buckets: list[int] = []
    for at in times:
        index = int((at - start) / BUCKET_S)
        buckets.extend([0] * (index + 1 - len(buckets)))
        buckets[index] += 1
    return buckets


def raw_fanin(port: int, messages: int, publishers: int) -> dict[str, Any]:
    """Publishes per second reaching one no-op QoS 1 subscriber."""
    arrived: list[float] = []
    done = threading.Event()
    subscribed = threading.Event()
    sink = client("bench-sink", port)

    def on_message(_c: mqtt.Client, _u: Any, _m: mqtt.MQTTMessage) -> None:
        arrived.append(time.perf_counter())
        if len(arrived) >= messages:
            done.set()

    sink.on_message = on_message
    sink.on_subscribe = lambda *_: subscribed.set()
    sink.subscribe("bench/fanin/#", qos=1)
    subscribed.wait(10)
    senders = [client(f"bench-pub-{n}", port) for n in range(publishers)]
    payload = envelopes.check_in()[1]
    start = time.perf_counter()
    threads = [
        threading.Thread(
            target=_flood, args=(sender, f"bench/fanin/{n}", payload, messages // publishers)
        )
        for n, sender in enumerate(senders)
    ]
    for thread in threads:
        thread.start()
    done.wait(300)
    elapsed = (arrived[-1] if arrived else time.perf_counter()) - start
    for each in [sink, *senders]:
        each.disconnect()
        each.loop_stop()
    return {
        "messages": len(arrived),
        "seconds": round(elapsed, 2),
        "per_s": round(len(arrived) / elapsed, 1),
        "curve": curve(arrived, start),
    }


def _flood(sender: mqtt.Client, topic: str, payload: bytes, count: int) -> None:
    for _ in range(count):
        sender.publish(topic, payload, qos=1)


def hub_ingest(port: int, messages: int, publishers: int, window: int) -> dict[str, Any]:
    """Check-ins per second stored and answered by the hub."""
    replies: list[float] = []
    lock = threading.Lock()
    done = threading.Event()
    per_kiosk = messages // publishers
    total = per_kiosk * publishers
    slots = [threading.Semaphore(window) for _ in range(publishers)]
    kiosks = []
    ready = threading.Semaphore(0)
    for n in range(publishers):
        station = f"st{n % 10 + 1:02d}"
        name = f"i{n + 1}"
        made = client(f"bench-kiosk-{n}", port)

        def on_message(_c: mqtt.Client, _u: Any, _m: mqtt.MQTTMessage, n: int = n) -> None:
            slots[n].release()
            with lock:
                replies.append(time.perf_counter())
                if len(replies) >= total:
                    done.set()

        made.on_message = on_message
        made.on_subscribe = lambda *_: ready.release()
        made.subscribe(reply_topic(station, name), qos=1)
        kiosks.append((made, station, name))
    for _ in kiosks:
        ready.acquire(timeout=10)
    # Envelopes made before the clock starts: the kiosk's work is not the hub's.
    prepared = [
        [
            envelopes.check_in(station=station, kiosk=name, card=f"{i % 5000:010X}")[:2]
            for i in range(per_kiosk)
        ]
        for _, station, name in kiosks
    ]
    start = time.perf_counter()
    threads = [
        threading.Thread(target=_send, args=(made, prepared[n], slots[n]))
        for n, (made, _, _) in enumerate(kiosks)
    ]
    for thread in threads:
        thread.start()
    done.wait(600)
    elapsed = (replies[-1] if replies else time.perf_counter()) - start
    for made, _, _ in kiosks:
        made.disconnect()
        made.loop_stop()
    return {
        "messages": len(replies),
        "seconds": round(elapsed, 2),
        "per_s": round(len(replies) / elapsed, 1),
        "curve": curve(replies, start),
    }


def _send(
    sender: mqtt.Client, prepared: list[tuple[str, bytes]], slots: threading.Semaphore
) -> None:
    for topic, payload in prepared:
        slots.acquire(timeout=120)
        sender.publish(topic, payload, qos=1)


if __name__ == "__main__":
    main()
