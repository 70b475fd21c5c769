"""Render every screen and state, in both languages, to PNG files; no person, no broker.

The states come from ``shot_states`` (a real session on a temporary disk);
this module only draws each one and saves it as ``<screen>-<state>-<lang>.png``.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.core.i18n import LANGS
from kiosk.ui.root import KioskRoot
from kiosk.ui.shot_states import ShotCore, stage, steps
from protocol.messages import Lang

FRAMES_PER_SHOT = 4  # wrapped text settles its height over a few layout passes


class ScreenshotRun:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: list[Path] = []
        self._temp = tempfile.TemporaryDirectory(prefix="lianxin-shots-")
        self._queue = [(step, lang) for lang in LANGS for step in steps()]
        self._count = 0

    def run(self) -> list[Path]:
        app = _ShotApp(self)
        app.run()
        self._temp.cleanup()
        return self.written

    def next_shot(self, root: KioskRoot) -> None:
        if not self._queue:
            App.get_running_app().stop()
            return
        step, lang = self._queue.pop(0)
        self._count += 1
        core = stage(step, lang, Path(self._temp.name) / f"{self._count}")
        screen, state = step[0], step[1]
        root.session = core.session
        root.render(core.session.view, core.session.status())
        path = self.out_dir / f"{screen}-{state}-{_lang_tag(lang)}.png"
        Clock.schedule_once(lambda _dt: self._save(root, path, core), 0)

    def _save(self, root: KioskRoot, path: Path, core: ShotCore, frame: int = 1) -> None:
        if frame < FRAMES_PER_SHOT:
            Clock.schedule_once(lambda _dt: self._save(root, path, core, frame + 1), 0)
            return
        root.export_to_png(str(path))
        self.written.append(path)
        core.close()
        self.next_shot(root)


def _lang_tag(lang: Lang) -> str:
    return lang


class _ShotApp(App):  # type: ignore[misc]
    title = "Lianxin screenshots"

    def __init__(self, run: ScreenshotRun) -> None:
        super().__init__()
        self._run = run

    def build(self) -> KioskRoot:
        self._root = KioskRoot(None, Window.size, lambda: datetime.now(UTC))
        return self._root

    def on_start(self) -> None:
        Clock.schedule_once(lambda _dt: self._run.next_shot(self._root), 0)
