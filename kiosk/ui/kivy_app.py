"""The Kivy App: one root widget bound to a session; threads reach it via Clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.core.session import KioskSession
from kiosk.core.session_views import Screen, View
from kiosk.ui.memory import release_freed_memory
from kiosk.ui.root import KioskRoot

TICK_S = 1.0
ENTER_KEYS = (13, 271)  # Return, keypad Enter


class KioskApp(App):  # type: ignore[misc]
    title = "Lianxin 连心"

    def __init__(
        self,
        session: KioskSession,
        *,
        push_key: Callable[[str, float], None] | None = None,
        on_started: Callable[[KioskApp], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.session = session
        self.root_widget: KioskRoot | None = None
        self._push_key = push_key
        self._on_started = on_started
        self._now = now

    def build(self) -> KioskRoot:
        root = KioskRoot(self.session, Window.size, self._now)
        self.root_widget = root
        root.render(self.session.view, self.session.status())
        self._went_idle(self.session.view)
        # Reader and link threads call this; the view goes to the UI thread by Clock.
        self.session.subscribe(self._view_changed)
        Clock.schedule_interval(self._tick, TICK_S)
        Window.bind(on_touch_down=self._touched)
        if self._push_key is not None:
            Window.bind(on_key_down=self._key_down, on_textinput=self._text_input)
        return root

    def on_start(self) -> None:
        if self._on_started is not None:
            self._on_started(self)

    def _view_changed(self, _view: View) -> None:
        Clock.schedule_once(self._render_latest, 0)

    def _render_latest(self, _dt: float) -> None:
        assert self.root_widget is not None
        view = self.session.view
        if view.version != self.root_widget.rendered_version:
            self.root_widget.render(view)
            self._went_idle(view)

    def _went_idle(self, view: View) -> None:
        # Before anyone (the control socket too) sees the idle screen as shown.
        if view.screen is Screen.IDLE:
            release_freed_memory()

    def _tick(self, _dt: float) -> None:
        assert self.root_widget is not None
        self.session.tick()
        self.root_widget.update_status(self.session.status())

    def _touched(self, _window: object, _touch: object) -> bool:
        self.session.touch()
        return False  # let the widgets have it

    # -- keyboard-wedge scanners type into the window ------------------------------

    def _key_down(self, _window: object, key: int, *_args: object) -> bool:
        if key in ENTER_KEYS and self._push_key is not None:
            self._push_key("\r", time.monotonic())
            return True
        return False

    def _text_input(self, _window: object, text: str) -> None:
        if self._push_key is not None:
            self._push_key(text, time.monotonic())
