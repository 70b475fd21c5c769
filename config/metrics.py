"""Labelled counters and gauges a role exposes on /metrics (Prometheus text format 0.0.4).

The hub and central both serve these; thread-safe and cheap enough for every message.
"""

from __future__ import annotations

import threading
from collections import Counter


class Metrics:
    """Thread-safe labelled counters and gauges; cheap enough for every message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self._gauges: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self._help: dict[str, str] = {}

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] += amount

    def set(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._gauges[(name, tuple(sorted(labels.items())))] = value

    def value(self, name: str, **labels: str) -> int:
        with self._lock:
            return self._counters[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        with self._lock:
            counters = sorted(self._counters.items())
            gauges = sorted(self._gauges.items())
        lines: list[str] = []
        seen: set[str] = set()
        for kind, samples in (("counter", counters), ("gauge", gauges)):
            for (name, labels), value in samples:
                if name not in seen:
                    seen.add(name)
                    lines.append(f"# HELP {name} {self._help.get(name, name)}")
                    lines.append(f"# TYPE {name} {kind}")
                rendered = ",".join(f'{key}="{_escape(val)}"' for key, val in labels)
                sample = f"{name}{{{rendered}}}" if rendered else name
                lines.append(f"{sample} {value:g}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
