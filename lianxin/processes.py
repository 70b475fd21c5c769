"""A `lianxin` role in a child process: start, signal, kill, restart; and whether it is healthy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def answers_healthy(port: int) -> bool:
    """True when the hub's or central's ``/healthz`` on this machine's ``port`` says ``"ok"``.

    False while it is not listening yet, and while it answers 503 (the hub
    before its broker connection is up, say).
    """
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(json.load(answer).get("ok"))
    except OSError:
        return False


@dataclass
class RoleProcess:
    """One role with fixed arguments; restartable, its output appended to a log."""

    args: list[str]
    log_path: Path
    env: Mapping[str, str] | None = None
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, env: Mapping[str, str] | None = None) -> RoleProcess:
        """Start (again); ``env`` adds variables for this start only."""
        merged = {**os.environ, **(self.env or {}), **(env or {})} if self.env or env else None
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "lianxin", *self.args],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                env=merged,
            )
        return self

    def kill(self) -> None:
        """SIGKILL: a power cut, as far as this process can tell."""
        self._stop(signal.SIGKILL)

    def terminate(self) -> None:
        self._stop(signal.SIGTERM)

    def signal(self, signum: int) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signum)

    def wait_exit(self, timeout_s: float) -> int | None:
        """The exit code once the process ended by itself, or None after the timeout."""
        if self.popen is None:
            return None
        try:
            return self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _stop(self, signum: int) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(signum)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self.popen = None
