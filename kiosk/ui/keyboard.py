"""On-screen keyboards: Latin letters and digits (no pinyin), and a digit pad.

No physical keyboard is needed. The keyboard keeps no text of its own
between renders: each key calls ``on_change`` with the new text and the
session, which holds the form, publishes a new view.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.core.i18n import tr
from kiosk.ui import theme
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import KButton, secondary
from protocol.messages import Lang

LETTER_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM.'")
DIGIT_ROWS = ("123", "456", "789")


class Keyboard(BoxLayout):  # type: ignore[misc]
    def __init__(
        self,
        m: Metrics,
        text: str,
        on_change: Callable[[str], None],
        *,
        mode: str = "text",
        lang: Lang = "zh_CN",
        kid: str = "kb",
        max_length: int = 60,
    ) -> None:
        super().__init__(orientation="vertical", spacing=m.px(6))
        self._text = text
        self._on_change = on_change
        self._max = max_length
        rows = LETTER_ROWS if mode == "text" else DIGIT_ROWS
        size = 26 if mode == "text" else 32
        for row in rows:
            line = GridLayout(rows=1, spacing=m.px(6))
            for char in row:
                line.add_widget(
                    KButton(
                        char,
                        m,
                        self._typer(char),
                        kid=f"{kid}.{char}",
                        size=size,
                        fill=theme.CARD,
                        color=theme.INK,
                        size_hint_y=1,
                    )
                )
            self.add_widget(line)
        last = GridLayout(rows=1, spacing=m.px(6))
        if mode == "text":
            last.add_widget(
                secondary(
                    tr(lang, "Space"),
                    m,
                    self._typer(" "),
                    kid=f"{kid}.space",
                    size=22,
                    size_hint_y=1,
                )
            )
        else:
            last.add_widget(
                KButton(
                    "0",
                    m,
                    self._typer("0"),
                    kid=f"{kid}.0",
                    size=size,
                    fill=theme.CARD,
                    color=theme.INK,
                    size_hint_y=1,
                )
            )
        last.add_widget(
            secondary(
                tr(lang, "Delete"), m, self._delete, kid=f"{kid}.delete", size=22, size_hint_y=1
            )
        )
        last.add_widget(
            secondary(tr(lang, "Clear"), m, self._clear, kid=f"{kid}.clear", size=22, size_hint_y=1)
        )
        self.add_widget(last)

    @property
    def text(self) -> str:
        return self._text

    def _typer(self, char: str) -> Callable[[], None]:
        def press() -> None:
            if len(self._text) < self._max:
                self._text += char
                self._on_change(self._text)

        return press

    def _delete(self) -> None:
        self._text = self._text[:-1]
        self._on_change(self._text)

    def _clear(self) -> None:
        self._text = ""
        self._on_change(self._text)
