"""Central records as a real `lianxin central` process, and a hub that syncs to it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from lianxin.broker import free_port
from lianxin.processes import RoleProcess, answers_healthy
from tests.system.stack import Hub, broker_toml
from tests.waiting import wait_until


@dataclass
class Central:
    directory: Path
    http_port: int = field(default_factory=free_port)
    hub_id: str = "test-hub"
    hub_token: str = field(default_factory=lambda: "hub-" + secrets.token_hex(16))
    admin_token: str = field(default_factory=lambda: "admin-" + secrets.token_hex(16))
    database_url: str = "sqlite:///central.db"
    process: RoleProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/api/v1"

    @property
    def engine_url(self) -> str:
        if self.database_url.startswith("sqlite:///") and not self.database_url.startswith(
            "sqlite:////"
        ):
            return f"sqlite:///{self.directory / self.database_url.removeprefix('sqlite:///')}"
        return self.database_url

    def write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "hub.token").write_text(self.hub_token + "\n", encoding="utf-8")
        (self.directory / "admin.token").write_text(self.admin_token + "\n", encoding="utf-8")
        config = self.directory / "central.toml"
        config.write_text(
            f'database_url = "{self.database_url}"\nadmin_token_file = "admin.token"\n'
            f'[http]\nhost = "127.0.0.1"\nport = {self.http_port}\n'
            f'[[hubs]]\nid = "{self.hub_id}"\ntoken_file = "hub.token"\n',
            encoding="utf-8",
        )
        return config

    def start(self, env: dict[str, str] | None = None) -> Central:
        """Start (again, on the same port and database) and wait until it answers."""
        config = self.write_config()
        self.process = RoleProcess(
            ["central", "--config", str(config)], self.directory / "central.log"
        )
        self.process.start(env)
        wait_until(self.healthy, 30, "central healthy")
        return self

    def healthy(self) -> bool:
        assert self.process is not None
        assert self.process.alive, f"central exited:\n{self.process.log()}"
        return answers_healthy(self.http_port)

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call an admin endpoint; fails the test on anything but 2xx."""
        answer = requests.request(
            method,
            self.url + "/admin" + path,
            json=body,
            headers={"Authorization": f"Bearer {self.admin_token}"},
            timeout=10,
        )
        assert answer.ok, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def event_ids(self) -> list[str]:
        """Every event id central stored, read from its database."""
        if not (self.directory / "central.db").exists() and "sqlite" in self.database_url:
            return []
        engine = create_engine(self.engine_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT event_id FROM events")).scalars()
                return [str(row) for row in rows]
        finally:
            engine.dispose()


@dataclass
class CentralHub(Hub):
    """A hub with stations and a ``[central]`` section, syncing fast for tests."""

    central_url: str = ""
    token: str = ""
    batch_size: int = 50
    stations: tuple[str, ...] = ("st01", "st02")
    demo_data: bool = False  # the domain's demo rooms (st01-hall, ...)

    def start(self, env: dict[str, str] | None = None) -> CentralHub:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "central.token").write_text(self.token + "\n", encoding="utf-8")
        station_tables = "".join(
            f'\n[[stations]]\nid = "{station}"\nname_zh = "驿站{station}"\n'
            f'name_en = "Station {station}"\n'
            for station in self.stations
        )
        config = self.directory / "hub.toml"
        config.write_text(
            'hub_id = "test-hub"\ndatabase_url = "sqlite:///hub.db"\n'
            f"shared_subscription = {str(self.shared_subscription).lower()}\n"
            f"demo_data = {str(self.demo_data).lower()}\n"
            f"{broker_toml(self.broker)}\n[http]\nport = {self.http_port}\n"
            f'\n[central]\nurl = "{self.central_url}"\ntoken_file = "central.token"\n'
            f"batch_size = {self.batch_size}\ntimeout_s = 5.0\npush_interval_s = 0.2\n"
            "pull_interval_s = 0.3\nretry_min_s = 0.1\nretry_max_s = 1.0\n"
            f"{station_tables}",
            encoding="utf-8",
        )
        self.process = RoleProcess(["hub", "--config", str(config)], self.directory / "hub.log")
        self.process.start(env)
        wait_until(self.healthy, 30, "hub healthy")
        return self

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(query))]
        finally:
            engine.dispose()

    def outbox_ids(self) -> list[str]:
        return [str(row[0]) for row in self.rows("SELECT event_id FROM sync_outbox")]

    def outbox_waiting(self) -> int:
        query = "SELECT COUNT(*) FROM sync_outbox WHERE sent_at IS NULL AND parked_reason IS NULL"
        return int(self.rows(query)[0][0])

    def metric(self, series: str) -> float | None:
        """The value of one series from /metrics, e.g. ``name{result="duplicate"}``; or None."""
        for line in self.metrics().splitlines():
            if line.startswith(series + " "):
                return float(line.rsplit(" ", 1)[1])
        return None
