"""Counters central exposes on ``GET /metrics`` (Prometheus text format 0.0.4).

The same shape as the hub's ``hub.metrics`` (name, sorted labels, a HELP
line per name), kept here because central does not import the hub.
Counters only: central has nothing yet that a gauge would describe.
"""

from __future__ import annotations

import threading
from collections import Counter

BAD_REQUESTS = "lianxin_central_bad_requests_total"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_Key = tuple[str, tuple[tuple[str, str], ...]]


class Counters:
    """Thread-safe labelled counters; handlers run on uvicorn's loop and its thread pool."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[_Key] = Counter()
        self._help: dict[str, str] = {}

    def describe(self, name: str, help_text: str) -> None:
        self._help[name] = help_text

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self._counts[key] += amount

    def value(self, name: str, **labels: str) -> int:
        with self._lock:
            return self._counts[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        with self._lock:
            samples = sorted(self._counts.items())
        lines: list[str] = []
        seen: set[str] = set()
        for (name, labels), value in samples:
            if name not in seen:
                seen.add(name)
                lines.append(f"# HELP {name} {self._help.get(name, name)}")
                lines.append(f"# TYPE {name} counter")
            rendered = ",".join(f'{key}="{_escape(val)}"' for key, val in labels)
            lines.append(f"{name}{{{rendered}}} {value}" if rendered else f"{name} {value}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
