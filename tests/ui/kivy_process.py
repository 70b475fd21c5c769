"""Kivy code run in an interpreter of its own: Kivy's fonts and config are per process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Defines draw(font, size, text, bold=False) -> the sha256 of the pixels Kivy's
# text provider renders (no window, no GL): for snippets comparing two fonts.
DRAW = textwrap.dedent(
    """
    import hashlib
    from kivy.core.text import Label as CoreLabel

    def draw(font, size, text, bold=False):
        label = CoreLabel(text=text, font_name=font, font_size=size, bold=bold)
        label._size = label.get_extents(text)
        label._render_begin()
        label._render_text(text, 0, 0)
        return hashlib.sha256(label._render_end().data).hexdigest()
    """
)


def run_kivy(
    code: str, *args: str, kivy_home: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``args`` as ``sys.argv[1:]``; Kivy quiet, its home in ``kivy_home``."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={
            **os.environ,
            "KIVY_NO_ARGS": "1",
            "KIVY_LOG_MODE": "PYTHON",
            "KIVY_HOME": str(kivy_home),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
