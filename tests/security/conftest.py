"""A deployment provisioned by `lianxin provision`, its Mosquitto running from that config."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from lianxin.broker import BrokerProcess, free_port
from lianxin.provision.commands import provision_main
from lianxin.provision.registry import kiosk_username
from tests.waiting import wait_until


@dataclass
class Deployment:
    directory: Path
    port: int
    broker: BrokerProcess

    @property
    def ca(self) -> Path:
        return self.directory / "ca" / "ca.pem"

    def kiosk_dir(self, station: str, kiosk: str) -> Path:
        return self.directory / "kiosks" / f"{station}-{kiosk}"

    def kiosk_password(self, station: str, kiosk: str) -> str:
        return (self.kiosk_dir(station, kiosk) / "broker.password").read_text().strip()

    def provision(self, *args: str) -> None:
        assert provision_main(["--dir", str(self.directory), *args]) == 0


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    # Mosquitto started as root drops to the 'mosquitto' user, which must be
    # able to walk to its files: pytest's own temporary root is private (0700).
    base = Path(tempfile.mkdtemp(prefix="lianxin-deploy-"))
    base.chmod(0o755)
    directory, port = base / "deploy", free_port()
    assert (
        provision_main(
            ["--dir", str(directory), "broker", "--port", str(port), "--bind", "127.0.0.1"]
        )
        == 0
    )
    for kiosk in ("k1", "k2"):
        assert (
            provision_main(
                ["--dir", str(directory), "kiosk", "--station", "st01", "--kiosk", kiosk]
            )
            == 0
        )
    assert provision_main(["--dir", str(directory), "hub"]) == 0
    broker = BrokerProcess(
        tmp_path / "broker-run",
        kind="mosquitto",
        port=port,
        config_file=directory / "broker" / "mosquitto.conf",
    )
    broker.start()
    yield Deployment(directory, port, broker)
    broker.stop(kill=True)
    shutil.rmtree(base, ignore_errors=True)


class Client:
    """A bare MQTT 5 client with the deployment's TLS settings, for attacks and probes."""

    def __init__(
        self,
        deployment: Deployment,
        username: str | None,
        password: str | None,
        *,
        tls: bool = True,
    ) -> None:
        self.connack: ReasonCode | None = None
        self.failed = threading.Event()
        self.pubacks: dict[int, ReasonCode] = {}
        self.messages: list[tuple[str, bytes]] = []
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        if tls:
            self._client.tls_set(ca_certs=str(deployment.ca), tls_version=ssl.PROTOCOL_TLS_CLIENT)
        if username is not None:
            self._client.username_pw_set(username, password)
        self._client.on_connect = self._on_connect
        self._client.on_connect_fail = lambda *_: self.failed.set()
        # A TLS listener drops a plain-TCP client before any CONNACK.
        self._client.on_disconnect = lambda *_: self.failed.set()
        self._client.on_publish = self._on_publish
        self._client.on_message = lambda _c, _u, m: self.messages.append((m.topic, m.payload))
        self._client.reconnect_delay_set(1, 1)
        try:
            self._client.connect_async("127.0.0.1", deployment.port)
        except OSError:
            self.failed.set()
        self._client.loop_start()

    def _on_connect(
        self, _c: object, _u: object, _f: object, reason: ReasonCode, _p: object
    ) -> None:
        self.connack = reason

    def _on_publish(self, _c: object, _u: object, mid: int, reason: ReasonCode, _p: object) -> None:
        self.pubacks[mid] = reason

    def wait_connected(self) -> bool:
        """True once accepted, False once refused or failed."""
        wait_until(
            lambda: self.connack is not None or self.failed.is_set(), 15, "a CONNACK or a failure"
        )
        return self.connack is not None and not self.connack.is_failure

    def publish(self, topic: str, payload: bytes) -> ReasonCode:
        info = self._client.publish(topic, payload, qos=1)
        return wait_until(lambda: self.pubacks.get(info.mid), 15, "PUBACK")

    def subscribe(self, topic: str) -> None:
        self._client.subscribe(topic, qos=1)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


def kiosk_client(deployment: Deployment, station: str, kiosk: str) -> Client:
    return Client(
        deployment, kiosk_username(station, kiosk), deployment.kiosk_password(station, kiosk)
    )
