"""Real processes for system tests: hub and kiosks as `lianxin` subprocesses."""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import create_engine, text

from lianxin.broker import BrokerInfo, free_port
from lianxin.network import broker_toml as network_broker_toml
from lianxin.processes import RoleProcess, answers_healthy
from lianxin.tally import read_outbox
from tests.waiting import wait_until


def broker_toml(info: BrokerInfo) -> str:
    """Tests reconnect fast: they kill brokers on purpose."""
    return network_broker_toml(info, reconnect_min_s=0.2, reconnect_max_s=1.0)


@dataclass
class Hub:
    directory: Path
    broker: BrokerInfo
    shared_subscription: bool = True
    http_port: int = field(default_factory=free_port)
    process: RoleProcess | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.directory / 'hub.db'}"

    def start(self, env: dict[str, str] | None = None) -> Hub:
        """Write the config and start the hub (``env`` adds variables, e.g. a crash point)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "hub.toml"
        config.write_text(
            'hub_id = "test-hub"\ndatabase_url = "sqlite:///hub.db"\n'
            f"shared_subscription = {str(self.shared_subscription).lower()}\n"
            f"{broker_toml(self.broker)}\n[http]\nport = {self.http_port}\n",
            encoding="utf-8",
        )
        self.process = RoleProcess(["hub", "--config", str(config)], self.directory / "hub.log")
        self.process.start(env)
        wait_until(self.healthy, 30, "hub healthy")
        return self

    def healthy(self) -> bool:
        assert self.process is not None
        assert self.process.alive, f"hub exited:\n{self.process.log()}"
        return answers_healthy(self.http_port)

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.http_port}/metrics"
        with urllib.request.urlopen(url, timeout=2) as answer:
            return str(answer.read().decode())

    def count(self, table: str) -> int:
        if not (self.directory / "hub.db").exists():
            return 0
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
        finally:
            engine.dispose()


@dataclass
class Kiosk:
    directory: Path
    broker: BrokerInfo
    station: str = "st01"
    kiosk: str = "k1"
    scans: int = 0  # synthetic scans to make; 0 = no reader
    interval_s: float = 0.05
    seed: int = 1
    reader_driver: str | None = None  # a real driver on reader_port, instead of synthetic
    reader_port: str = ""
    id_hash_key_file: Path | None = None
    resend_after_s: float = 3.0
    process: RoleProcess | None = None

    @property
    def outbox_path(self) -> Path:
        return self.directory / "data" / "outbox.db"

    def write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        key = f'id_hash_key_file = "{self.id_hash_key_file}"\n' if self.id_hash_key_file else ""
        config = self.directory / "kiosk.toml"
        config.write_text(
            f'station = "{self.station}"\nkiosk = "{self.kiosk}"\ndata_dir = "data"\n{key}'
            f"{broker_toml(self.broker)}\n{self._reader_toml()}\n"
            f"[pacing]\nresend_after_s = {self.resend_after_s}\n",
            encoding="utf-8",
        )
        return config

    def _reader_toml(self) -> str:
        if self.reader_driver:
            return f'[reader]\ndriver = "{self.reader_driver}"\nport = "{self.reader_port}"\n'
        if self.scans:
            return (
                f'[reader]\ndriver = "synthetic"\nsynthetic_interval_s = {self.interval_s}\n'
                f"synthetic_count = {self.scans}\nsynthetic_seed = {self.seed}\n"
            )
        return '[reader]\ndriver = "none"\n'

    def start(self, env: dict[str, str] | None = None) -> Kiosk:
        config = self.write_config()
        self.process = RoleProcess(
            ["kiosk", "--headless", "--config", str(config)], self.directory / "kiosk.log"
        )
        self.process.start(env)
        return self

    def outbox(self) -> tuple[int, int]:
        """(requests written, requests answered by the hub), read from disk."""
        rows = read_outbox(self.outbox_path, "SELECT COUNT(*), COUNT(replied_at) FROM outbox")
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)


class Probe:
    """A plain MQTT client for tests: publishes raw bytes, records what arrives."""

    def __init__(self, broker: BrokerInfo, subscribe: str = "lianxin/v1/#") -> None:
        self.messages: list[tuple[str, bytes]] = []
        self._subscribed = threading.Event()
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self._client.on_message = lambda _c, _u, msg: self.messages.append(
            (msg.topic, bytes(msg.payload))
        )
        self._client.on_subscribe = lambda *_args: self._subscribed.set()
        self._client.connect(broker.host, broker.port)
        self._client.loop_start()
        self._client.subscribe(subscribe, qos=1)
        # Listening only once the broker confirms: otherwise a fast reply is missed.
        wait_until(self._subscribed.is_set, 10, "probe subscribed")

    def publish(self, topic: str, payload: bytes) -> None:
        self._client.publish(topic, payload, qos=1).wait_for_publish(timeout=10)

    def on(self, topic: str) -> list[dict[str, object]]:
        return [json.loads(p) for t, p in list(self.messages) if t == topic]

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


class Stack:
    """Makes hubs, kiosks and probes for one test and stops them all afterwards."""

    def __init__(self, root: Path, broker: BrokerInfo) -> None:
        self.root = root
        self.broker = broker
        self._made: list[Hub | Kiosk | Probe] = []

    def hub(self, *, shared_subscription: bool = True) -> Hub:
        handle = Hub(self.root / "hub", self.broker, shared_subscription=shared_subscription)
        self._made.append(handle)
        return handle

    def kiosk(
        self,
        name: str = "k1",
        *,
        station: str = "st01",
        scans: int = 0,
        interval_s: float = 0.05,
        seed: int = 1,
        reader_driver: str | None = None,
        reader_port: str = "",
        id_hash_key_file: Path | None = None,
    ) -> Kiosk:
        handle = Kiosk(
            self.root / name,
            self.broker,
            station=station,
            kiosk=name,
            scans=scans,
            interval_s=interval_s,
            seed=seed,
            reader_driver=reader_driver,
            reader_port=reader_port,
            id_hash_key_file=id_hash_key_file,
        )
        self._made.append(handle)
        return handle

    def probe(self) -> Probe:
        handle = Probe(self.broker)
        self._made.append(handle)
        return handle

    def close(self) -> None:
        for handle in reversed(self._made):
            if isinstance(handle, Probe):
                handle.close()
            elif handle.process is not None:
                handle.process.kill()
