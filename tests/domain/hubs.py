"""Hub processes for domain tests: any database URL, demo data, several workers."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from lianxin.broker import BrokerInfo, free_port
from lianxin.processes import RoleProcess, answers_healthy
from tests.system.stack import broker_toml
from tests.waiting import wait_until

STATIONS = (("st01", "红领驿站·金融大厦站", "Finance Tower"), ("st02", "红领驿站·国贸站", "Trade"))


@dataclass
class HubWorker:
    directory: Path
    broker: BrokerInfo
    database_url: str
    hub_id: str = "hub-1"
    demo_data: bool = True
    http_port: int = field(default_factory=free_port)
    process: RoleProcess | None = None

    def start(self) -> HubWorker:
        self.directory.mkdir(parents=True, exist_ok=True)
        stations = "".join(
            f'[[stations]]\nid = "{sid}"\nname_zh = "{zh}"\nname_en = "{en}"\n\n'
            for sid, zh, en in STATIONS
        )
        config = self.directory / "hub.toml"
        config.write_text(
            f'hub_id = "{self.hub_id}"\ndatabase_url = "{self.database_url}"\n'
            f"shared_subscription = true\ndemo_data = {str(self.demo_data).lower()}\n"
            f"{broker_toml(self.broker)}\n[http]\nport = {self.http_port}\n\n{stations}",
            encoding="utf-8",
        )
        self.process = RoleProcess(["hub", "--config", str(config)], self.directory / "hub.log")
        self.process.start()
        wait_until(self.healthy, 60, f"{self.hub_id} healthy")
        return self

    def healthy(self) -> bool:
        assert self.process is not None
        assert self.process.alive, f"{self.hub_id} exited:\n{self.process.log()}"
        return answers_healthy(self.http_port)

    def handled(self) -> int:
        """Requests this worker answered, from its /metrics."""
        url = f"http://127.0.0.1:{self.http_port}/metrics"
        with urllib.request.urlopen(url, timeout=2) as answer:
            lines = answer.read().decode().splitlines()
        return sum(
            int(float(line.rsplit(" ", 1)[1]))
            for line in lines
            if line.startswith("lianxin_hub_requests_total{")
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()


def scalar(database_url: str, sql: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()
