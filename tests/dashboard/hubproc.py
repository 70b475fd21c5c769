"""A real hub process with a [dashboard] section, and its first admin account."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import requests

from hub.dashboard.accounts_cli import create_staff_main
from lianxin.broker import BrokerInfo, free_port
from lianxin.processes import RoleProcess
from tests.system.stack import broker_toml
from tests.waiting import wait_until

ADMIN = "admin"
ADMIN_PASSWORD = "correct horse battery"
OFFLINE_AFTER_S = 10  # the smallest the settings allow


@dataclass
class DashboardHub:
    directory: Path
    broker: BrokerInfo
    http_port: int = field(default_factory=free_port)
    dashboard_port: int = field(default_factory=free_port)
    process: RoleProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.dashboard_port}"

    def start(self) -> DashboardHub:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "hub.toml"
        config.write_text(
            'hub_id = "test-hub"\ndatabase_url = "sqlite:///hub.db"\ndemo_data = true\n'
            f"{broker_toml(self.broker)}\n[http]\nport = {self.http_port}\n"
            f"[dashboard]\nport = {self.dashboard_port}\noffline_after_s = {OFFLINE_AFTER_S}\n"
            '[[stations]]\nid = "st01"\nname_zh = "金融大厦站"\nname_en = "Finance Tower"\n'
            '[[stations]]\nid = "st02"\nname_zh = "科创大厦站"\nname_en = "Innovation Tower"\n',
            encoding="utf-8",
        )
        assert self.create_staff(ADMIN, ADMIN_PASSWORD, "admin") == 0
        self.process = RoleProcess(["hub", "--config", str(config)], self.directory / "hub.log")
        self.process.start()
        wait_until(self._serving, 30, "hub dashboard serving")
        return self

    def create_staff(self, user: str, password: str, role: str) -> int:
        """The CLI entry the operator runs, with the password on stdin."""
        stdin = sys.stdin
        sys.stdin = io.StringIO(password + "\n")
        try:
            return create_staff_main(
                ["--config", str(self.directory / "hub.toml"), "--user", user, "--role", role]
            )
        finally:
            sys.stdin = stdin

    def _serving(self) -> bool:
        import urllib.request  # noqa: PLC0415

        assert self.process is not None
        assert self.process.alive, f"hub exited:\n{self.process.log()}"
        try:
            with urllib.request.urlopen(f"{self.url}/login", timeout=1) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()

    def signed_in(self, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> StaffClient:
        """An HTTP client with a live session, signed in through the login form."""
        client = requests.Session()
        form = client.get(f"{self.url}/login", timeout=10).text
        answer = client.post(
            f"{self.url}/login",
            data={"username": user, "password": password, "csrf_token": _csrf(form)},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 303, answer.text
        page = client.get(f"{self.url}/account", timeout=10).text
        return StaffClient(self.url, client, _csrf(page))


@dataclass
class StaffClient:
    """A signed-in staff member's HTTP session and its CSRF token, for requests a form makes."""

    url: str
    http: requests.Session
    csrf: str

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.url + path, allow_redirects=False, timeout=10)

    def post(self, path: str, **form: str) -> requests.Response:
        data = {"csrf_token": self.csrf, **form}
        return self.http.post(self.url + path, data=data, allow_redirects=False, timeout=10)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)
