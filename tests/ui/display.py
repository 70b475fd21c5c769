"""A virtual screen of the test's own: Xvfb on a display number it picks itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.waiting import wait_until


class Xvfb:
    def __init__(self, size: str = "1280x800") -> None:
        self.size = size
        self.display = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Xvfb:
        read_end, write_end = os.pipe()
        self._process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                f"{self.size}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().decode().strip()  # Xvfb writes it once it is ready
        assert number, "Xvfb did not report a display number"
        self.display = f":{number}"
        wait_until(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 10, "Xvfb socket")
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
