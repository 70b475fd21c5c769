"""Read a TOML file into a settings model, or fail with one clear line."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from config.settings import CentralSettings, HubSettings, KioskSettings
from protocol.sealing import read_key

S = TypeVar("S", bound=BaseModel)
# A key named ``*_file`` names a file its role reads at start; these the role makes itself.
_MADE_AT_START = frozenset({"dashboard.session_secret_file"})
# Scan sources the kiosk makes itself (kiosk/headless.py); any other driver is devices/'s.
_KIOSK_SOURCES = ("none", "synthetic")
_DATABASE_URLS = "sqlite:///<file> or postgresql+psycopg://<user>@<host>/<database>"
# ReaderSettingError.setting -> the key a kiosk config spells it with.
_READER_KEYS = {
    "driver": "reader.driver",
    "port": "reader.port",
    "options": "reader.options",
    "id_hash_key": "id_hash_key_file",
}

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


def check_settings(settings: BaseModel, config_path: str | Path) -> None:
    """Raise ConfigError for values that parse but that a role cannot start with.

    A role calls this before it changes anything on disk (no database made
    or migrated, no outbox created). Checked: every ``*_file`` key names a
    readable file (relative to the config's directory); ``database_url`` is
    a PostgreSQL URL, or a SQLite one whose directory exists; a kiosk's
    reader driver, port, options and id hash key are ones devices/factory.py
    accepts.
    """
    path = Path(config_path)
    problems = [*_file_problems(settings, path), *_database_problems(settings, path)]
    if not problems:  # the reader check reads the id hash key file
        problems.extend(_reader_problems(settings, path))
    if problems:
        described = "; ".join(f"key '{key}': {what}" for key, what in problems)
        raise ConfigError(f"config error in {path}: {described}")


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


def _file_problems(settings: BaseModel, config_path: Path) -> Iterator[tuple[str, str]]:
    for key, value in _file_keys(settings):
        if key in _MADE_AT_START:
            continue
        file = resolve_path(config_path, value).absolute()
        if not file.exists():
            yield key, f"file not found: {file}"
        elif not file.is_file():
            yield key, f"not a file: {file}"
        else:
            try:
                with file.open("rb"):
                    pass
            except OSError as exc:
                yield key, f"cannot read file {file}: {exc.strerror}"
                continue
            if key == "phone_key_file":
                try:
                    read_key(file)
                except ValueError:
                    yield key, f"{file} does not hold a key in hex (lianxin provision writes one)"


def _file_keys(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, value) of every ``*_file`` key that is set, in sections and lists too."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _file_keys(value, f"{key}.")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _file_keys(item, f"{key}.{index}.")
        elif name.endswith("_file") and isinstance(value, str):
            yield key, value


def _database_problems(settings: BaseModel, config_path: Path) -> Iterator[tuple[str, str]]:
    if not isinstance(settings, HubSettings | CentralSettings):
        return
    # Only hub and central machines have SQLAlchemy; the CLI imports their role first.
    from sqlalchemy.engine import make_url  # noqa: PLC0415
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    url = settings.database_url
    try:
        parsed = make_url(url)
    except ArgumentError:
        yield "database_url", f"expected {_DATABASE_URLS}, got {url!r}"
        return
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        yield "database_url", f"expected {_DATABASE_URLS}, got {url!r}"
        return
    database = parsed.database or ""
    if backend == "sqlite" and database not in ("", ":memory:"):
        # As config/database.py opens it: a relative file is beside the config.
        file = Path(database)
        directory = (file if file.is_absolute() else config_path.parent / file).parent.absolute()
        if not directory.is_dir():
            yield "database_url", f"directory not found: {directory}"


def _reader_problems(settings: BaseModel, config_path: Path) -> Iterator[tuple[str, str]]:
    if not isinstance(settings, KioskSettings) or settings.reader.driver in _KIOSK_SOURCES:
        return
    # Only kiosk machines have the drivers' packages (pyserial).
    from devices.factory import DRIVERS, ReaderSettingError, check_reader  # noqa: PLC0415
    from devices.idhash import read_id_hash_key  # noqa: PLC0415
    from devices.reads import DriverUnavailableError  # noqa: PLC0415

    reader = settings.reader
    if reader.driver not in DRIVERS:
        known = ", ".join((*_KIOSK_SOURCES, *DRIVERS))
        yield "reader.driver", f"unknown driver {reader.driver!r} (expected one of: {known})"
        return
    key = b""
    if settings.id_hash_key_file is not None:
        key = read_id_hash_key(resolve_path(config_path, settings.id_hash_key_file))
    try:
        check_reader(reader.driver, reader.port, id_hash_key=key, options=reader.options)
    except ReaderSettingError as exc:
        yield _READER_KEYS[exc.setting], str(exc)
    except DriverUnavailableError as exc:
        yield "reader.driver", str(exc)
