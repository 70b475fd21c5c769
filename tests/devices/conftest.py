"""Shared helpers: wait on conditions with a deadline, run a reader in a thread."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from devices.factory import open_reader
from devices.reads import ReaderError
from devices.scan import ScanEvent, ScanSource

ID_KEY = b"test-deployment-secret-0123456789"


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut into consecutive chunks at the given offsets (as reads would)."""
    points = sorted({min(c, len(data)) for c in cuts})
    return [data[a:b] for a, b in itertools.pairwise([0, *points, len(data)])]


class RunningReader:
    """A ScanSource running in a thread, collecting what it produces."""

    def __init__(self, source: ScanSource, errors: list[ReaderError]) -> None:
        self.source = source
        self.scans: list[ScanEvent] = []
        self.errors = errors
        self._stop = threading.Event()
        self._thread = threading.Thread(target=source.run, args=(self.scans.append, self._stop))
        self._thread.start()

    def error_reasons(self) -> list[str]:
        return [e.reason for e in list(self.errors)]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "reader did not stop"


@pytest.fixture
def run_reader() -> Iterator[Callable[..., RunningReader]]:
    """``run_reader(driver, port, **options)`` opens via the factory and runs it."""
    running: list[RunningReader] = []

    def start(driver: str, port: str, **options: str | int | float | bool) -> RunningReader:
        errors: list[ReaderError] = []
        source = open_reader(
            driver,
            port,
            reader_id=f"test-{driver}",
            id_hash_key=ID_KEY,
            options=options,
            on_error=errors.append,
        )
        reader = RunningReader(source, errors)
        running.append(reader)
        return reader

    yield start
    for reader in running:
        reader.stop()


ROOT = Path(__file__).resolve().parents[2]


class LineProcess:
    """A subprocess whose stdout lines are collected by a thread (no blocking reads)."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lianxin", *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self.err_lines: list[str] = []
        self._readers = [
            threading.Thread(target=self._collect, args=(stream, into), daemon=True)
            for stream, into in ((self.proc.stdout, self.lines), (self.proc.stderr, self.err_lines))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream: IO[str] | None, into: list[str]) -> None:
        assert stream is not None
        for line in stream:
            into.append(line.rstrip("\n"))

    def json_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in list(self.lines) if line.startswith("{")]

    def terminate(self, timeout: float = 10.0) -> tuple[int, str]:
        """SIGTERM, wait; returns (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout: float = 20.0) -> tuple[int, str]:
        """Wait for the process to exit by itself; returns (exit code, stderr)."""
        code = self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=timeout)
        return code, "\n".join(self.err_lines)


@pytest.fixture
def spawn() -> Iterator[Callable[..., LineProcess]]:
    started: list[LineProcess] = []

    def start(*args: str, env: dict[str, str] | None = None) -> LineProcess:
        process = LineProcess(*args, env=env)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        if process.proc.poll() is None:
            process.proc.kill()
            process.wait(timeout=10)
