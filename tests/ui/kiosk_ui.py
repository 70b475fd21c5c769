"""The real kiosk UI in a subprocess, driven through its control socket."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.reference_cache import ReferenceCache
from lianxin.broker import BrokerInfo
from lianxin.processes import RoleProcess
from protocol.codec import encode
from protocol.reference import ConfigSnapshot, StationConfig
from tests.kiosk.fixtures import STATION, reference_payloads
from tests.system.stack import broker_toml
from tests.waiting import wait_until

PIN = "2468"


@dataclass
class KioskUI:
    directory: Path
    display: str
    broker: BrokerInfo
    reader_driver: str = "none"
    reader_port: str = ""
    idle_timeout_s: int = 30
    size: str = "1280x800"
    running: bool = False  # an activity running now (scans ask "visit or activity?")
    process: RoleProcess | None = None
    _socket: socket.socket | None = field(default=None, repr=False)

    @property
    def control_path(self) -> Path:
        return self.directory / "control.sock"

    def start(self) -> KioskUI:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = self.directory / "data"
        data.mkdir(exist_ok=True)
        (data / "staff.pin").write_text(PIN, encoding="utf-8")
        self._seed_reference(data)
        config = self.directory / "kiosk.toml"
        config.write_text(
            f'station = "{STATION}"\nkiosk = "k1"\ndata_dir = "data"\n'
            f"{broker_toml(self.broker)}\n"
            f'[reader]\ndriver = "{self.reader_driver}"\nport = "{self.reader_port}"\n'
            "[pacing]\nresend_after_s = 3.0\n",
            encoding="utf-8",
        )
        env = {
            "DISPLAY": self.display,
            "KIVY_HOME": str(self.directory / "kivy-home"),
            "LIANXIN_KIOSK_WINDOW": self.size,
            "LIANXIN_KIOSK_CONTROL": str(self.control_path),
        }
        self.process = RoleProcess(
            ["kiosk", "--config", str(config)], self.directory / "ui.log", env=env
        )
        self.process.start()
        wait_until(self._ready, 60, "kiosk UI control socket")
        return self

    def _seed_reference(self, data: Path) -> None:
        """The reference data a hub would have published (above any test hub's versions)."""
        cache = ReferenceCache(data / "reference.db", STATION)
        now = datetime.now(UTC)
        for payload in reference_payloads(now, running=self.running)[:3]:
            cache.offer(payload)
        cache.offer(
            encode(
                ConfigSnapshot(
                    v=1,
                    type="reference",
                    name="config",
                    station=STATION,
                    version=1_000_000,
                    generated_at=now,
                    config=StationConfig(
                        name_zh="红领驿站·金融大厦站",
                        name_en="Finance Tower Station",
                        idle_timeout_s=self.idle_timeout_s,
                    ),
                )
            )
        )
        cache.close()

    def _ready(self) -> bool:
        assert self.process is not None
        assert self.process.alive, f"kiosk UI exited:\n{self.process.log()}"
        if not self.control_path.exists():
            return False
        try:
            self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._socket.connect(str(self.control_path))
        except OSError:
            return False
        self._stream = self._socket.makefile("rwb")
        return True

    def command(self, **command: Any) -> dict[str, Any]:
        self._stream.write(json.dumps(command).encode() + b"\n")
        self._stream.flush()
        answer: dict[str, Any] = json.loads(self._stream.readline())
        assert "error" not in answer, answer
        return answer

    def state(self) -> dict[str, Any]:
        return self.command(cmd="state")

    def layout(self) -> list[dict[str, Any]]:
        """Every text on screen with its box and its drawn text's box (``control.layout_of``)."""
        labels: list[dict[str, Any]] = self.command(cmd="layout")["labels"]
        return labels

    def tap(self, kid: str) -> None:
        wait_until(lambda: kid in self.state()["kids"], 15, f"button {kid} on screen")
        self.command(cmd="tap", kid=kid)

    def wait_screen(self, screen: str, timeout: float = 20) -> dict[str, Any]:
        return self.wait_state(lambda state: state["screen"] == screen, f"screen {screen}", timeout)

    def wait_state(
        self, accept: Callable[[dict[str, Any]], bool], what: str, timeout: float = 20
    ) -> dict[str, Any]:
        """The first state ``accept`` takes, drawn; at the deadline, say what was shown instead."""
        last: dict[str, Any] = {}

        def shown() -> dict[str, Any] | None:
            state = self.state()
            last.update(state)
            rendered = state["rendered_version"] == state["version"]
            return state if rendered and accept(state) else None

        try:
            return wait_until(shown, timeout, what)
        except AssertionError as exc:
            seen = {key: last.get(key) for key in ("screen", "lang", "large_text", "version")}
            raise AssertionError(
                f"{exc}; showing {seen}, rendered {last.get('rendered_version')}: "
                f"{last.get('texts')}"
            ) from None

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
        if self.process is not None and self.process.alive:
            self.process.terminate()
            if self.process.wait_exit(10) is None:
                self.process.kill()


def book_tomorrow_ten(ui: KioskUI) -> date:
    """From a greeted person's screen: book the hall tomorrow 10:00-11:00; the day booked."""
    ui.tap("menu.book")
    ui.wait_screen("rooms")
    ui.tap("room.st01-hall")
    ui.wait_screen("slots")
    tomorrow = (datetime.now(UTC).astimezone(PEOPLE_TZ) + timedelta(days=1)).date()
    ui.tap(f"day.{tomorrow.isoformat()}")
    ui.tap("slot.1000")
    ui.wait_screen("confirm")
    ui.tap("confirm")
    ui.wait_screen("request")
    return tomorrow
