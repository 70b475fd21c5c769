"""Typed reading of driver options that may arrive as strings (CLI, TOML) or values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

OptionValue = str | int | float | bool
E = TypeVar("E")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class DriverOptions:
    """Options for one driver; every key must be consumed, or ``finish`` says which were not.

    Each getter raises ``ValueError`` naming the driver, the option and the
    value when a value does not fit.
    """

    def __init__(self, driver: str, options: Mapping[str, OptionValue] | None) -> None:
        self._driver = driver
        self._values = dict(options or {})
        self._used: set[str] = set()

    def number(self, key: str, default: float, *, minimum: float = 0.0) -> float:
        raw = self._take(key)
        if raw is None:
            return default
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise self._bad(key, raw, "a number") from None
        if isinstance(raw, bool) or value < minimum:
            raise self._bad(key, raw, f"a number >= {minimum}")
        return value

    def integer(self, key: str, default: int, *, choices: tuple[int, ...] = ()) -> int:
        raw = self._take(key)
        if raw is None:
            return default
        try:
            value = int(raw) if not isinstance(raw, bool | float) else int("x")
        except ValueError:
            raise self._bad(key, raw, "an integer") from None
        if choices and value not in choices:
            raise self._bad(key, raw, "one of " + ", ".join(map(str, choices)))
        return value

    def flag(self, key: str, default: bool) -> bool:
        raw = self._take(key)
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise self._bad(key, raw, "true or false")

    def text(self, key: str, default: str) -> str:
        raw = self._take(key)
        return default if raw is None else str(raw)

    def choice(self, key: str, default: E, choices: Mapping[str, E]) -> E:
        raw = self._take(key)
        if raw is None:
            return default
        value = choices.get(str(raw).strip().lower())
        if value is None:
            raise self._bad(key, raw, "one of " + ", ".join(choices))
        return value

    def finish(self) -> None:
        """Raise ``ValueError`` if an option was given that this driver does not know."""
        unknown = sorted(set(self._values) - self._used)
        if unknown:
            raise ValueError(f"driver {self._driver!r} has no option(s): {', '.join(unknown)}")

    def _take(self, key: str) -> OptionValue | None:
        self._used.add(key)
        return self._values.get(key)

    def _bad(self, key: str, raw: object, want: str) -> ValueError:
        return ValueError(f"driver {self._driver!r}: option {key}={raw!r} must be {want}")
