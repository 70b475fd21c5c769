"""Reader simulators as child processes, for the demo and the chaos run.

Each is ``lianxin sim reader`` on its own pseudo-terminal; a kiosk opens the
printed path with the real driver, so the demo exercises the same bytes and
code as a station with hardware.
"""

from __future__ import annotations

import secrets
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 15.0


@dataclass
class ReaderSimulator:
    driver: str
    port_path: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_reader_simulator(
    driver: str,
    *,
    seed: int,
    interval_s: float,
    log_path: Path,
    cards: list[str] | None = None,
) -> ReaderSimulator:
    """Start a simulator and return once it has printed its pty path.

    ``cards`` are presented in turn (repeating); without them, seeded random cards.
    """
    command = [sys.executable, "-m", "lianxin", "sim", "reader", "--driver", driver]
    command += ["--interval", str(interval_s), "--seed", str(seed)]
    for card in cards or []:
        command += ["--card", card]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line.startswith("/"):
        process.kill()
        raise RuntimeError(f"the {driver} simulator did not start; see {log_path}")
    return ReaderSimulator(driver, line, process)


def write_id_hash_key(path: Path) -> Path:
    """A fresh per-deployment secret for ID-number hashes (hex, owner-only)."""
    path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
