"""`lianxin kiosk --screenshots`: every screen, in both languages, at a small size."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core.i18n import LANGS
from kiosk.core.session_views import Screen
from kiosk.ui.fonts import FontNotFoundError, find_cjk_font
from tests.ui.display import Xvfb


def _run(
    out: Path, xvfb: Xvfb, tmp_path: Path, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianxin", "kiosk", "--screenshots", str(out), *extra],
        env={
            **os.environ,
            "DISPLAY": xvfb.display,
            "KIVY_HOME": str(tmp_path / "kivy"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),  # the extracted SC font face
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return int(width), int(height)


def test_every_screen_is_rendered_in_both_languages(tmp_path: Path, xvfb: Xvfb) -> None:
    out = tmp_path / "shots"
    done = _run(out, xvfb, tmp_path, "--size", "800x480")
    assert done.returncode == 0, done.stderr[-3000:]
    names = {path.name for path in out.glob("*.png")}
    for screen in Screen:
        for lang in LANGS:
            assert any(
                n.startswith(f"{screen.value}-") and n.endswith(f"-{lang}.png") for n in names
            ), f"no screenshot of {screen.value} in {lang}"
    for state in (
        "request-pending_offline",
        "request-not_available",
        "idle-offline",
        "idle-nodata",
        "visitor-error",
    ):
        assert f"{state}-zh_CN.png" in names and f"{state}-en.png" in names
    assert {_png_size(out / name) for name in names} == {(800, 480)}


def test_missing_font_is_a_clear_error(tmp_path: Path, xvfb: Xvfb) -> None:
    with pytest.raises(FontNotFoundError, match="no such font file"):
        find_cjk_font(str(tmp_path / "nope.ttf"))
    done = _run(tmp_path / "shots", xvfb, tmp_path, LIANXIN_KIOSK_FONT=str(tmp_path / "nope.ttf"))
    assert done.returncode == 2
    assert "LIANXIN_KIOSK_FONT" in done.stderr and "no such font file" in done.stderr


def test_installed_cjk_font_is_found() -> None:
    assert find_cjk_font().suffix in (".ttc", ".otf", ".ttf")
