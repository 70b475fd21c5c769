"""A hub process loads the Excel writer only when an Excel report is asked for."""

from __future__ import annotations

import subprocess
import sys

# hub.app imports everything a hub process serves, the reports route included.
_PROBE = "import sys, hub.app; print('openpyxl' in sys.modules)"


def test_starting_a_hub_does_not_load_openpyxl() -> None:
    """openpyxl (and numpy, Pillow, which it imports when they are there) costs 8-19 MB."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False", done.stderr
