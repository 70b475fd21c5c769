"""A bad config file stops a role with one line naming file, key and expectation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.loader import load_settings
from config.settings import CentralSettings, HubSettings, KioskSettings

EXAMPLES = Path(__file__).parents[2] / "config" / "examples"


@pytest.mark.parametrize(
    ("name", "model"),
    [("hub", HubSettings), ("kiosk", KioskSettings), ("central", CentralSettings)],
)
def test_example_configs_are_valid(name: str, model: type) -> None:
    load_settings(EXAMPLES / f"{name}.toml", model)


def _run(role: str, config: Path) -> subprocess.CompletedProcess[str]:
    extra = ["--headless"] if role == "kiosk" else []
    return subprocess.run(
        [sys.executable, "-m", "lianxin", role, "--config", str(config), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _config_error(role: str, config: Path, text: str) -> str:
    """Write ``text`` to ``config``, start ``role`` on it: it must stop with exit 2 and one line."""
    config.write_text(text, encoding="utf-8")
    result = _run(role, config)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


CASES = {
    "unknown_key": (
        'station = "st01"\nkiosk = "k1"\ncolour = "red"\n',
        "key 'colour': unknown key",
    ),
    "wrong_type": (
        'station = "st01"\nkiosk = "k1"\n[broker]\nport = "1883"\n',
        "key 'broker.port': input should be a valid integer, got '1883'",
    ),
    "missing_value": ('kiosk = "k1"\n', "key 'station': required value is missing"),
    "bad_name": ('station = "St 01"\nkiosk = "k1"\n', "key 'station': string should match"),
    "not_toml": ("station = \n", "not valid TOML"),
    "unknown_driver": (
        'station = "st01"\nkiosk = "k1"\n[reader]\ndriver = "bogus"\n',
        "key 'reader.driver': unknown driver 'bogus' (expected one of: none, synthetic, idcard,",
    ),
    "bad_option_value": (
        'station = "st01"\nkiosk = "k1"\n[reader]\ndriver = "em4100"\nport = "loop://"\n'
        'options = {baud = "fast"}\n',
        "key 'reader.options': driver 'em4100': option baud='fast' must be an integer",
    ),
    "unknown_option": (
        'station = "st01"\nkiosk = "k1"\n[reader]\ndriver = "em4100"\nport = "loop://"\n'
        'options = {colour = "red"}\n',
        "key 'reader.options': driver 'em4100' has no option(s): colour",
    ),
    "serial_reader_without_port": (
        'station = "st01"\nkiosk = "k1"\n[reader]\ndriver = "em4100"\n',
        "key 'reader.port': a serial reader needs a port",
    ),
    "idcard_without_key": (
        'station = "st01"\nkiosk = "k1"\n[reader]\ndriver = "idcard"\nport = "loop://"\n',
        "key 'id_hash_key_file': the idcard driver needs an id hash key of 16+ bytes",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_kiosk_config_gives_one_clear_line(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    config = tmp_path / "kiosk.toml"
    line = _config_error("kiosk", config, text)
    assert str(config) in line and expected in line
    assert "Traceback" not in line
    assert list(tmp_path.iterdir()) == [config]  # no data_dir, no outbox


MISSING_FILES = {
    "kiosk_id_hash_key": ("kiosk", 'id_hash_key_file = "id-hash.key"\n', "id_hash_key_file"),
    "kiosk_phone_key": ("kiosk", 'phone_key_file = "phone.pub"\n', "phone_key_file"),
    "kiosk_broker_password": (
        "kiosk",
        '[broker]\nusername = "k1"\npassword_file = "secrets/broker.password"\n',
        "broker.password_file",
    ),
    "hub_phone_key": ("hub", 'phone_key_file = "phone.key"\n', "phone_key_file"),
    "hub_broker_password": (
        "hub",
        '[broker]\nusername = "hub"\npassword_file = "secrets/broker.password"\n',
        "broker.password_file",
    ),
    "hub_central_token": (
        "hub",
        '[central]\nurl = "https://central.example/api/v1"\ntoken_file = "central.token"\n',
        "central.token_file",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSING_FILES))
def test_a_missing_file_named_in_the_config_is_a_config_error(tmp_path: Path, case: str) -> None:
    role, text, key = MISSING_FILES[case]
    config = tmp_path / f"{role}.toml"
    head = 'station = "st01"\nkiosk = "k1"\n' if role == "kiosk" else ""
    missing = tmp_path / text.rpartition('_file = "')[2].partition('"')[0]
    assert _config_error(role, config, head + text) == (
        f"lianxin {role}: config error in {config}: key '{key}': file not found: {missing}"
    )
    assert list(tmp_path.iterdir()) == [config]


@pytest.mark.parametrize("role", ["kiosk", "hub"])
def test_a_phone_key_file_without_a_key_is_a_config_error(tmp_path: Path, role: str) -> None:
    config = tmp_path / f"{role}.toml"
    head = 'station = "st01"\nkiosk = "k1"\n' if role == "kiosk" else ""
    key = tmp_path / "phone.key"
    key.write_text("-----BEGIN PRIVATE KEY----- not hex\n", encoding="utf-8")
    assert _config_error(role, config, head + 'phone_key_file = "phone.key"\n') == (
        f"lianxin {role}: config error in {config}: key 'phone_key_file': "
        f"{key} does not hold a key in hex (lianxin provision writes one)"
    )
    assert sorted(tmp_path.iterdir()) == sorted([config, key])


HUB_CASES = {
    "not_a_url": (
        'database_url = "notaurl"\n',
        "key 'database_url': expected sqlite:///<file> or postgresql+psycopg://<user>@<host>"
        "/<database>, got 'notaurl'",
    ),
    "unknown_database": ('database_url = "mysql://hub@db/hub"\n', "key 'database_url': expected"),
    "no_such_directory": (
        'database_url = "sqlite:///nowhere/hub.db"\n',
        "key 'database_url': directory not found: ",
    ),
}


@pytest.mark.parametrize("case", sorted(HUB_CASES))
def test_bad_hub_database_url_gives_one_clear_line(tmp_path: Path, case: str) -> None:
    text, expected = HUB_CASES[case]
    config = tmp_path / "hub.toml"
    line = _config_error("hub", config, text)
    assert line.startswith(f"lianxin hub: config error in {config}: {expected}")


def test_hub_with_a_bad_config_does_not_create_its_database(tmp_path: Path) -> None:
    # The password file was read only after the hub had made and migrated hub.db.
    config = tmp_path / "hub.toml"
    config.write_text(
        'database_url = "sqlite:///hub.db"\n[broker]\nusername = "hub"\n'
        'password_file = "broker.password"\n',
        encoding="utf-8",
    )
    result = _run("hub", config)
    assert result.returncode == 2, result.stderr
    assert "key 'broker.password_file': file not found" in result.stderr
    assert not (tmp_path / "hub.db").exists()


def test_unreadable_hub_config_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = _run("hub", missing)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"lianxin hub: config error in {missing}: cannot read file: No such file or directory"
    )


def test_create_staff_with_a_bad_database_url_gives_one_line_and_makes_nothing(
    tmp_path: Path,
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('database_url = "notaurl"\n', encoding="utf-8")
    command = ["hub", "create-staff", "--config", str(config), "--user", "wang"]
    result = subprocess.run(
        [sys.executable, "-m", "lianxin", *command],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"lianxin hub create-staff: config error in {config}: key 'database_url': expected"
    )
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [config]
