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
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_kiosk_config_gives_one_clear_line(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    config = tmp_path / "kiosk.toml"
    config.write_text(text, encoding="utf-8")
    result = _run("kiosk", config)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(config) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_unreadable_hub_config_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = _run("hub", missing)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"lianxin hub: config error in {missing}: cannot read file: No such file or directory"
    )
