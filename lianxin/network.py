"""A whole station network on this machine, each role in its own process.

The demo, the chaos run and the system tests all build on this: a broker,
a hub and any number of headless kiosks, written as ordinary config files
in a run directory, started, killed and restarted like real deployments.
Counts come from the databases (lianxin.tally), never from memory.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from central.local import LocalCentral, stored_events, write_local_central
from kiosk.headless import READING_STOPPED
from lianxin.broker import BrokerInfo, BrokerKind, BrokerProcess, free_port
from lianxin.processes import RoleProcess, answers_healthy
from lianxin.simulators import ReaderSimulator
from lianxin.tally import Tally, tally, waiting
from protocol.sealing import write_key_pair

POLL_S = 0.1


@dataclass
class KioskHandle:
    index: int
    station: str
    name: str
    directory: Path
    process: RoleProcess
    headless: bool = True

    @property
    def outbox(self) -> Path:
        return self.directory / "outbox.db"


class LocalNetwork:
    def __init__(self, run_dir: Path, *, broker_kind: BrokerKind = "auto") -> None:
        self.run_dir = run_dir
        run_dir.mkdir(parents=True, exist_ok=True)
        self.broker = BrokerProcess(run_dir / "broker", kind=broker_kind)
        self.hub_http_port = free_port()
        self.hub: RoleProcess | None = None
        self.kiosks: list[KioskHandle] = []
        self.central: LocalCentral | None = None
        # Visitors' phones are sealed to the hub's key: private for the hub, public for kiosks.
        self.phone_key = run_dir / "phone.key"
        self.phone_public_key = run_dir / "phone.pub"
        if not self.phone_key.exists():
            write_key_pair(self.phone_key, self.phone_public_key)
        self.central_process: RoleProcess | None = None

    @property
    def broker_info(self) -> BrokerInfo:
        return self.broker.info

    @property
    def hub_database_url(self) -> str:
        return f"sqlite:///{self.run_dir / 'hub.db'}"

    # -- starting ---------------------------------------------------------------

    def start_central(self, timeout_s: float = 60.0) -> LocalCentral:
        """Central records on a free port; the hub started after this syncs to it."""
        port = free_port()
        self.central = write_local_central(self.run_dir, port, "local-hub")
        self.central_process = RoleProcess(
            ["central", "--config", str(self.central.config)], self.run_dir / "central.log"
        )
        self.central_process.start()
        deadline = time.monotonic() + timeout_s
        while not answers_healthy(port):
            if not self.central_process.alive or time.monotonic() > deadline:
                raise RuntimeError(f"central did not start; see {self.run_dir / 'central.log'}")
            time.sleep(POLL_S)
        return self.central

    def start_hub(self, *, stations: int = 10, demo_data: bool = False) -> RoleProcess:
        info = self.broker.info
        config = self.run_dir / "hub.toml"
        station_tables = "".join(
            f'\n[[stations]]\nid = "st{n:02d}"\nname_zh = "红领驿站{n}号站"\n'
            f'name_en = "Red Collar Station {n}"\n'
            for n in range(1, stations + 1)
        )
        config.write_text(
            'hub_id = "local-hub"\ndatabase_url = "sqlite:///hub.db"\n'
            f"shared_subscription = {'true' if info.shared_subscriptions else 'false'}\n"
            f"demo_data = {'true' if demo_data else 'false'}\n"
            f'phone_key_file = "{self.phone_key}"\n'
            f"{broker_toml(info)}\n[http]\nport = {self.hub_http_port}\n{station_tables}"
            + (self.central.hub_section() if self.central is not None else ""),
            encoding="utf-8",
        )
        self.hub = RoleProcess(["hub", "--config", str(config)], self.run_dir / "hub.log")
        self.hub.start()
        self.wait_hub_healthy()
        return self.hub

    def wait_hub_healthy(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.hub is None or not self.hub.alive:
                raise RuntimeError(f"the hub is not running; see {self.run_dir / 'hub.log'}")
            if self.hub_healthy():
                return
            time.sleep(POLL_S)
        raise RuntimeError("the hub did not become healthy in time; see hub.log")

    def hub_healthy(self) -> bool:
        return answers_healthy(self.hub_http_port)

    def add_kiosk(
        self,
        *,
        reader: ReaderSimulator | None = None,
        synthetic_scans: int = 0,
        synthetic_interval_s: float = 0.2,
        id_hash_key_file: Path | None = None,
        resend_after_s: float = 10.0,
        max_per_second: float = 50.0,
        max_in_flight: int = 20,
        start: bool = True,
        headless: bool = True,
    ) -> KioskHandle:
        """Write a kiosk's config and (unless ``start`` is false) start it.

        It reads ``reader`` (a simulator on a pty) if given, else makes
        ``synthetic_scans`` generated scans, else has no reader at all.
        """
        index = len(self.kiosks) + 1
        station = f"st{(index - 1) % 10 + 1:02d}"
        if reader is not None:
            reader_toml = f'[reader]\ndriver = "{reader.driver}"\nport = "{reader.port_path}"\n'
        elif synthetic_scans > 0:
            reader_toml = (
                f'[reader]\ndriver = "synthetic"\nsynthetic_count = {synthetic_scans}\n'
                f"synthetic_interval_s = {synthetic_interval_s}\nsynthetic_seed = {index}\n"
            )
        else:
            reader_toml = '[reader]\ndriver = "none"\n'
        key = f'id_hash_key_file = "{id_hash_key_file}"\n' if id_hash_key_file else ""
        config = self.run_dir / f"kiosk-{index}.toml"
        config.write_text(
            f'station = "{station}"\nkiosk = "k{index}"\ndata_dir = "kiosk-{index}"\n{key}'
            f'phone_key_file = "{self.phone_public_key}"\n'
            f"{broker_toml(self.broker.info)}\n{reader_toml}\n"
            f"[pacing]\nresend_after_s = {resend_after_s}\nmax_per_second = {max_per_second}\n"
            f"max_in_flight = {max_in_flight}\n",
            encoding="utf-8",
        )
        mode = ["--headless"] if headless else []
        process = RoleProcess(
            ["kiosk", *mode, "--config", str(config)], self.run_dir / f"kiosk-{index}.log"
        )
        handle = KioskHandle(
            index, station, f"k{index}", self.run_dir / f"kiosk-{index}", process, headless
        )
        self.kiosks.append(handle)
        if start:
            process.start()
        return handle

    # -- draining and counting ----------------------------------------------------

    def stop_reading(self) -> None:
        """Ask every kiosk to stop taking scans but keep delivering (SIGUSR1)."""
        for kiosk in self.kiosks:
            if kiosk.headless:  # SIGUSR1's default action would end a screen kiosk
                kiosk.process.signal(signal.SIGUSR1)

    def wait_drained(self, timeout_s: float) -> float | None:
        """Seconds until every kiosk stopped reading and has nothing waiting; None on timeout."""
        start = time.monotonic()
        while time.monotonic() - start < timeout_s:
            # A kiosk with a screen has no "stop reading" signal: nobody swipes after Ctrl-C.
            stopped = all(
                (k.directory / READING_STOPPED).exists() for k in self.kiosks if k.headless
            )
            outboxes = [k.outbox for k in self.kiosks]
            if stopped and all(p.exists() for p in outboxes) and waiting(outboxes) == 0:
                return time.monotonic() - start
            time.sleep(POLL_S)
        return None

    def wait_synced(self, timeout_s: float) -> bool:
        """Until the hub has nothing left to send to central (none waiting, none parked)."""
        deadline = time.monotonic() + timeout_s
        engine = create_engine(self.hub_database_url)
        try:
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    unsent = connection.execute(
                        text("SELECT COUNT(*) FROM sync_outbox WHERE sent_at IS NULL")
                    ).scalar_one()
                if unsent == 0:
                    return True
                time.sleep(POLL_S)
            return False
        finally:
            engine.dispose()

    def central_stored(self) -> int | None:
        if self.central is None:
            return None
        return stored_events(self.central.database_url, self.central.config.parent)

    def tally(self) -> Tally:
        return tally([k.outbox for k in self.kiosks if k.outbox.exists()], self.hub_database_url)

    def stop_all(self) -> None:
        for kiosk in self.kiosks:
            kiosk.process.terminate()
        if self.hub is not None:
            self.hub.terminate()
        if self.central_process is not None:
            self.central_process.terminate()
        self.broker.stop()


def broker_toml(
    info: BrokerInfo, reconnect_min_s: float = 0.5, reconnect_max_s: float = 5.0
) -> str:
    """The ``[broker]`` section of a role's config for this broker."""
    return (
        f'[broker]\nhost = "{info.host}"\nport = {info.port}\nprotocol = "{info.protocol}"\n'
        f"reconnect_min_s = {reconnect_min_s}\nreconnect_max_s = {reconnect_max_s}\n"
    )
