"""A role started on a machine without its extra says which one to install, in one line.

Each machine installs only its role's extra (a hub has no Kivy, a kiosk no
SQLAlchemy). The real ``lianxin`` command runs in a subprocess whose Python
cannot import the blocked package, as on a machine where it is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lianxin.cli import import_role

EXAMPLES = Path(__file__).parents[2] / "config" / "examples"

# Wraps every finder on sys.meta_path: a blocked package is not found, as if not installed.
BLOCKER = """
import importlib.abc, os, sys

class _Absent(importlib.abc.MetaPathFinder):
    blocked = set(os.environ["LIANXIN_TEST_ABSENT"].split(","))

    def __init__(self, finders):
        self.finders = finders

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.blocked:
            return None
        for finder in self.finders:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                return spec
        return None

sys.meta_path[:] = [_Absent(list(sys.meta_path))]
"""


def _run_without(absent: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    for name in ("kiosk", "hub", "central"):  # their data directories land beside them
        shutil.copy(EXAMPLES / f"{name}.toml", tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "LIANXIN_TEST_ABSENT": absent,
    }
    return subprocess.run(
        [sys.executable, "-m", "lianxin", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    ("absent", "args", "extra"),
    [
        ("kivy", ["kiosk", "--config", "kiosk.toml"], "kiosk"),
        ("sqlalchemy", ["hub", "--config", "hub.toml"], "hub"),
        ("uvicorn", ["central", "--config", "central.toml"], "central"),
        ("sqlalchemy", ["hub", "create-staff", "--help"], "hub"),
    ],
)
def test_a_role_without_its_extra_names_the_extra_to_install(
    tmp_path: Path, absent: str, args: list[str], extra: str
) -> None:
    result = _run_without(absent, args, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"lianxin {args[0]}"), result.stderr
    assert f"pip install 'lianxin[{extra}]'" in lines[-1], result.stderr
    assert f"no module '{absent}" in lines[-1], result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_import_in_our_own_code_is_not_blamed_on_an_extra() -> None:
    with pytest.raises(ModuleNotFoundError) as raised:
        import_role("hub", "hub.no_such_module", "hub")
    assert raised.value.name == "hub.no_such_module"
