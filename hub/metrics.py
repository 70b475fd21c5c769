"""Counters the hub exposes on /metrics (Prometheus text format 0.0.4)."""

from __future__ import annotations

import threading
from collections import Counter


class Metrics:
    """Thread-safe labelled counters and gauges; cheap enough for every message."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self._gauges: dict[str, float] = {}
        self._help: dict[str, str] = {}

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counters[key] += amount

    def set(self, name: str, value: float) -> None:
        with self._lock:
            self._gauges[name] = value

    def value(self, name: str, **labels: str) -> int:
        with self._lock:
            return self._counters[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        with self._lock:
            counters = sorted(self._counters.items())
            gauges = sorted(self._gauges.items())
        lines: list[str] = []
        seen: set[str] = set()
        for (name, labels), count in counters:
            if name not in seen:
                seen.add(name)
                lines += [f"# HELP {name} {self._help.get(name, name)}", f"# TYPE {name} counter"]
            rendered = ",".join(f'{key}="{_escape(val)}"' for key, val in labels)
            lines.append(f"{name}{{{rendered}}} {count}" if rendered else f"{name} {count}")
        for name, value in gauges:
            lines += [f"# HELP {name} {self._help.get(name, name)}", f"# TYPE {name} gauge"]
            lines.append(f"{name} {value:g}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
