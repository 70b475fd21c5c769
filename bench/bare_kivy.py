"""The floor under the kiosk's idle memory: a bare Kivy window with one label.

    DISPLAY=:N .venv/bin/python bench/bare_kivy.py 1280x800

The same window size and graphics settings as the kiosk (no multisampling,
SDL2's image provider), Kivy's own font, nothing of ours: what the Python
interpreter, Kivy, SDL and the GL driver cost before the kiosk has a single
screen. bench/kiosk_greeting.py runs it on the same display as the kiosk and
reports it beside the kiosk's figure. Prints one JSON line (MB).
"""

from __future__ import annotations

import json
import os
import sys

FRAMES = 5  # drawn before measuring: the window's buffers exist by then


def _status_mb() -> dict[str, float]:
    fields = {"VmRSS": "rss_mb", "RssAnon": "anon_mb"}
    found: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key = line.split(":", 1)[0]
            if key in fields:
                found[fields[key]] = round(int(line.split()[1]) / 1024, 1)
    return found


def main() -> None:
    width, height = (int(part) for part in sys.argv[1].split("x"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_IMAGE", "sdl2")
    from kivy.config import Config  # noqa: PLC0415 - must follow the environment above

    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    from kivy.app import App  # noqa: PLC0415
    from kivy.clock import Clock  # noqa: PLC0415
    from kivy.uix.label import Label  # noqa: PLC0415

    class Bare(App):
        frames = 0

        def build(self) -> Label:
            Clock.schedule_interval(self._frame, 0)
            return Label(text="Lianxin")

        def _frame(self, _dt: float) -> None:
            self.frames += 1
            if self.frames == FRAMES:
                print(json.dumps(_status_mb()), flush=True)
                self.stop()

    Bare().run()


if __name__ == "__main__":
    main()
