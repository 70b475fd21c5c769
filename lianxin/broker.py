"""Start an MQTT broker for the demo and the tests: Mosquitto if installed.

The broker runs as a child process on a free localhost port with
persistence in ``run_dir``, so it can be killed and restarted on the same
port with its sessions and queued messages intact.
"""

from __future__ import annotations

import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

BrokerKind = Literal["auto", "mosquitto", "embedded"]


@dataclass(frozen=True)
class BrokerInfo:
    host: str
    port: int
    name: str  # "mosquitto" or "embedded-amqtt"
    protocol: Literal["5", "3.1.1"]
    shared_subscriptions: bool


def mosquitto_settings(persistence_dir: Path) -> str:
    """The mosquitto.conf lines every Lianxin broker runs with, the tests' and a deployment's.

    Queued QoS 1 messages persist in ``persistence_dir`` and are saved every
    second, not every half hour. The hub acknowledges a whole batch after
    its commit, so the broker may send a client up to 1,000 messages not
    yet acknowledged: the next batch reaches the hub while it stores the
    last. Nagle's algorithm would add ~40 ms to every small request and
    reply.
    """
    return (
        "persistence true\n"
        f"persistence_location {persistence_dir}/\n"
        "autosave_interval 1\n"
        "max_queued_messages 100000\n"
        "set_tcp_nodelay true\n"
        "max_inflight_messages 1000\n"
        "log_type error\nlog_type warning\nlog_type notice\n"
    )


_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST_LISTEN_PORT = 10_000
_handed_out: set[int] = set()


def _ephemeral_ports() -> tuple[int, int]:
    """The kernel's range for the local end of outgoing connections (Linux's default if unknown)."""
    try:
        low, high = (int(part) for part in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return 32_768, 60_999
    return low, high


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now, for a server that binds it a moment later.

    Not one the kernel picks (``bind(0)``): that comes from the ephemeral range, which
    every outgoing connection draws from too, so in the gap before the server binds, or
    while a test has its broker stopped for a restart, a client's connection can take the
    port ("Address already in use"). Ports below that range are only ever taken by a
    listener that asks for them. A port is handed out once per process, and the search
    starts at a random place so that two processes rarely probe the same ports.
    """
    low, high = _ephemeral_ports()
    if low > _LOWEST_LISTEN_PORT + 1_000:
        candidates = range(_LOWEST_LISTEN_PORT, low)
    else:  # an unusual kernel setting leaves no room below: take the range above instead
        candidates = range(high + 1, 65_536)
    if not candidates:
        raise OSError(f"no port for a listener: the kernel's ephemeral range is {low}-{high}")
    start = random.randrange(len(candidates))  # noqa: S311 - spreads the search, not a secret
    for step in range(len(candidates)):
        port = candidates[(start + step) % len(candidates)]
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise OSError(f"no free port on {host} between {candidates.start} and {candidates.stop - 1}")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class BrokerProcess:
    def __init__(
        self,
        run_dir: Path,
        *,
        kind: BrokerKind = "auto",
        port: int | None = None,
        host: str = "127.0.0.1",
        config_file: Path | None = None,
    ) -> None:
        """``config_file``: run Mosquitto with that file (say, one ``lianxin provision
        broker`` wrote) instead of a generated one; ``port`` must be the port it sets."""
        self._config_file = config_file
        mosquitto = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        if kind == "mosquitto" and mosquitto is None:
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto)")
        self._mosquitto = mosquitto if kind in ("auto", "mosquitto") else None
        self._run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        port = port or free_port(host)
        if self._mosquitto:
            self.info = BrokerInfo(host, port, "mosquitto", "5", True)
        else:
            self.info = BrokerInfo(host, port, "embedded-amqtt", "3.1.1", False)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 15.0) -> None:
        """Start the broker and return once it accepts connections."""
        log = (self._run_dir / "broker.log").open("ab")
        if self._mosquitto:
            conf = self._config_file or self._write_mosquitto_conf()
            command = [self._mosquitto, "-c", str(conf)]
        else:
            command = [
                sys.executable,
                "-m",
                "lianxin.embedded_broker",
                "--host",
                self.info.host,
                "--port",
                str(self.info.port),
            ]
        self._process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout_s
        while not port_open(self.info.host, self.info.port):
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"broker exited with {self._process.returncode}; "
                    f"see {self._run_dir / 'broker.log'}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"broker did not listen on port {self.info.port} in time")
            time.sleep(0.05)

    def stop(self, *, kill: bool = False) -> None:
        """Stop (SIGTERM, letting Mosquitto save) or kill (SIGKILL, a crash)."""
        if self._process is None:
            return
        self._process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _write_mosquitto_conf(self) -> Path:
        conf = self._run_dir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.info.port} {self.info.host}\n"
            "allow_anonymous true\n" + mosquitto_settings(self._run_dir),
            encoding="utf-8",
        )
        return conf
