"""Read a TOML file into a settings model, or fail with one clear line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

S = TypeVar("S", bound=BaseModel)

_FRIENDLY = {
    "missing": "required value is missing",
    "extra_forbidden": "unknown key",
}


class ConfigError(Exception):
    """A config file that cannot be used. ``str()`` is the message for the operator."""


def load_settings(path: str | Path, model: type[S]) -> S:
    """Load ``path`` into ``model``; raise ConfigError naming file, key and expectation."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config error in {path}: cannot read file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config error in {path}: file is not UTF-8 ({exc.reason})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config error in {path}: not valid TOML: {exc}") from exc
    try:
        settings = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"config error in {path}: {_describe(exc)}") from exc
    return settings


def resolve_path(config_path: str | Path, value: str) -> Path:
    """A path from a config file, relative to that file's directory."""
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else Path(config_path).parent / candidate


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        what = _FRIENDLY.get(error["type"], error["msg"].lower())
        if error["type"] in ("missing", "extra_forbidden"):
            parts.append(f"key '{key}': {what}")
        else:
            parts.append(f"key '{key}': {what}, got {error['input']!r}")
    return "; ".join(parts)


def with_broker_paths_resolved(settings: S, config_path: str | Path) -> S:
    """A copy of ``settings`` whose broker secret and CA files are absolute.

    The MQTT client opens them later, from whatever directory the process
    runs in; the config file's own directory is what its author meant.
    """
    broker = getattr(settings, "broker", None)
    if broker is None:
        return settings
    update = {
        name: str(resolve_path(config_path, value))
        for name in ("password_file", "tls_ca_file")
        if (value := getattr(broker, name)) is not None
    }
    if not update:
        return settings
    return settings.model_copy(update={"broker": broker.model_copy(update=update)})
