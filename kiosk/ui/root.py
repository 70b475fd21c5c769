"""The window's one root widget: header, the current screen, the status bar.

``render`` rebuilds the screen area from a session view (cheap: a few dozen
widgets) so a language switch or large-text toggle changes every string at
once. Only the UI thread calls it; other threads go through ``Clock``.
The window's size sets the scale and the orientation; a resize that changes
either (a panel turned to portrait) draws the screen again for the new shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from kivy.clock import Clock
from kivy.properties import ColorProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.i18n import N_, tr
from kiosk.core.session_views import Action, Screen, Status, View
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import clock, long_date
from kiosk.ui.memory import collect_dead_screen_soon
from kiosk.ui.screens import SCREENS
from kiosk.ui.theme import Metrics, is_portrait, unit_for
from kiosk.ui.widgets import KButton, Text, side_by_side

READER = {"ok": N_("Reader ready"), "missing": N_("Reader unplugged"), "error": N_("Reader fault")}


class Bar(BoxLayout):  # type: ignore[misc]
    fill = ColorProperty(theme.RED)


class KioskRoot(BoxLayout):  # type: ignore[misc]
    def __init__(
        self, session: object, window: tuple[int, int], now: Callable[[], datetime]
    ) -> None:
        """``window``: the window's size in pixels, which the root will fill."""
        super().__init__(orientation="vertical")
        self.session = session
        self.unit = unit_for(*window)
        self.portrait = is_portrait(*window)
        self.now = now
        self.view: View | None = None
        self.status = Status()
        self.rendered_at = 0.0  # monotonic time of the last render (tests, bench)
        self.rendered_version = -1
        # The Clock frame that last put new widgets in: Kivy lays them out at
        # that frame's end, so until a later frame their places are not set
        # (kiosk/ui/control.py presses a button only after).
        self.built_frame = -1
        self._shown = ""
        self._local: dict[str, str] = {}  # Ctx.local: reset when the screen changes
        self._local_screen: Screen | None = None
        self._top: Widget = Widget()
        self._bottom: Widget = Widget()
        self.bind(size=self._resized)

    def render(self, view: View, status: Status | None = None) -> None:
        """Rebuild everything from ``view`` (UI thread only)."""
        self.view = view
        if status is not None:
            self.status = status
        ctx = self._ctx(view)
        self.clear_widgets()
        self._top = self._header(ctx)
        self._bottom = self._status_bar(ctx)
        self.add_widget(self._top)
        self.add_widget(SCREENS[view.screen](ctx))
        self.add_widget(self._bottom)
        self.rendered_version = view.version
        self.rendered_at = time.monotonic()
        self.built_frame = Clock.frames
        collect_dead_screen_soon()  # the old screen

    def update_status(self, status: Status) -> None:
        """Refresh the header clock and the status bar; the screen (and its input) stays."""
        if self.view is None or (status == self.status and self._clock_text() == self._shown):
            return
        self.status = status
        ctx = self._ctx(self.view)
        top, bottom = self._header(ctx), self._status_bar(ctx)
        index_top = self.children.index(self._top)
        self.remove_widget(self._top)
        self.add_widget(top, index=index_top)
        self.remove_widget(self._bottom)
        self.add_widget(bottom, index=0)
        self._top, self._bottom = top, bottom
        self.built_frame = Clock.frames
        collect_dead_screen_soon()  # the old bars

    def _resized(self, _root: Widget, size: list[float]) -> None:
        width, height = round(size[0]), round(size[1])
        shape = unit_for(width, height), is_portrait(width, height)
        if shape == (self.unit, self.portrait):
            return  # the window the root was built for: nothing to lay out again
        self.unit, self.portrait = shape
        self._refresh()

    def _ctx(self, view: View) -> Ctx:
        m = Metrics(
            unit=self.unit, text=theme.LARGE if view.large_text else 1.0, portrait=self.portrait
        )
        if view.screen != self._local_screen:
            self._local, self._local_screen = {}, view.screen
        return Ctx(
            view=view,
            m=m,
            session=self.session,
            now=self.now(),
            local=self._local,
            refresh=self._refresh,
        )

    def _refresh(self) -> None:
        # Next frame: the button that asked is still handling its touch.
        Clock.schedule_once(lambda _dt: self.view is not None and self.render(self.view), 0)

    def _clock_text(self) -> str:
        return clock(self.now())

    def _header(self, ctx: Ctx) -> Widget:
        m, lang = ctx.m, ctx.view.lang
        # Portrait: the station's name above the date, both beside the buttons;
        # side by side they would leave the name a few characters of 800 px.
        # Landscape keeps them in the bar itself, where they always were.
        height = m.px(104) if m.portrait else m.px(84)
        bar = Bar(size_hint_y=None, height=height, padding=(m.px(20), m.px(8)), spacing=m.px(14))
        station = ctx.name(ctx.view.overview.station, tr(lang, "Red Collar Station"))
        self._shown = self._clock_text()
        when = f"{long_date(lang, ctx.now)}  {self._shown}"
        name = Text(
            station,
            m,
            26,
            color=theme.WHITE,
            bold=True,
            valign="middle",
            shorten=True,
            shorten_from="right",
        )
        # A size smaller in portrait: the large-text date ran onto a third line there.
        date = Text(
            when,
            m,
            20 if m.portrait else 22,
            color=theme.GOLD,
            halign="left" if m.portrait else "right",
            valign="middle",
        )
        if m.portrait:
            bar.add_widget(side_by_side(m, (name, 0.58), (date, 0.42), spacing=0))
        else:
            for label, share in ((name, 0.58), (date, 0.42)):
                label.size_hint = (share, 1)
                bar.add_widget(label)
        big = tr(lang, "Normal text") if ctx.view.large_text else tr(lang, "Large text")
        bar.add_widget(
            KButton(
                big,
                m,
                ctx.do("toggle_large_text"),
                kid="large_text",
                size=22,
                fill=theme.RED_DARK,
                size_hint=(None, None),
                width=m.px(150),
                height=m.px(64),
            )
        )
        other = "en" if lang == "zh_CN" else "zh_CN"
        # Labelled in the language it switches to: "English" on the Chinese screen.
        bar.add_widget(
            KButton(
                tr(lang, "中文"),
                m,
                ctx.do("set_lang", other),
                kid="lang",
                size=22,
                fill=theme.RED_DARK,
                size_hint=(None, None),
                width=m.px(150),
                height=m.px(64),
            )
        )
        return bar

    def _status_bar(self, ctx: Ctx) -> Widget:
        m, lang, status = ctx.m, ctx.view.lang, self.status
        bar = Bar(
            size_hint_y=None,
            height=m.px(56),
            padding=(m.px(20), m.px(4)),
            spacing=m.px(20),
            fill=(0.25, 0.22, 0.20, 1),
        )
        online = tr(lang, "Online") if status.online else tr(lang, "Offline: requests are kept")
        bar.add_widget(
            Text(
                "● " + online,
                m,
                20,
                color=(0.55, 0.9, 0.55, 1) if status.online else theme.GOLD,
                valign="middle",
                size_hint_y=1,
            )
        )
        bar.add_widget(
            Text(
                tr(lang, "Waiting to send: {n}", n=status.waiting),
                m,
                20,
                color=theme.WHITE,
                valign="middle",
                size_hint_y=1,
            )
        )
        reader = tr(lang, READER.get(status.reader, N_("No reader")))
        bar.add_widget(Text(reader, m, 20, color=theme.WHITE, valign="middle", size_hint_y=1))
        texts = list(bar.children)

        def fit(*_args: object) -> None:
            # A portrait panel's third of 800 px wraps "Offline: requests are kept":
            # the bar grows to hold it rather than letting it run off the window.
            tallest = max(text.texture_size[1] for text in texts)
            bar.height = max(m.px(56), tallest + 2 * m.px(4))

        for text in texts:
            text.bind(texture_size=fit)
        staff = KButton(
            tr(lang, "Staff"),
            m,
            ctx.do("open", Action.STAFF),
            kid="staff",
            size=20,
            fill=(0.35, 0.32, 0.30, 1),
            size_hint=(None, None),
            width=m.px(120),
            height=m.px(48),
        )
        if ctx.view.screen in (Screen.IDLE,):
            bar.add_widget(staff)
        return bar
