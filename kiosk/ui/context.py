"""What a screen module gets to build itself: the view, sizes, words, the session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.core.i18n import tr
from kiosk.core.session_views import Named, View
from kiosk.ui.theme import Metrics


@dataclass(frozen=True)
class Ctx:
    view: View
    m: Metrics
    session: object  # a KioskSession; typed loosely so screenshots can pass a stand-in
    now: datetime
    # Choices that only change what is drawn (which field the keys type into):
    # kept by the root across renders of the same screen, never sent to the core.
    local: dict[str, str] = field(default_factory=dict)
    refresh: Callable[[], None] = lambda: None  # draw the screen again after a ``local`` change

    def t(self, msgid: str, /, **params: object) -> str:
        """``msgid`` in the view's language."""
        return tr(self.view.lang, msgid, **params)

    def name(self, named: Named | None, fallback: str = "") -> str:
        return named.pick(self.view.lang) if named is not None else fallback

    def do(self, intent: str, *args: object) -> Callable[[], None]:
        """A button action that sends ``intent(*args)`` to the session."""
        method = getattr(self.session, intent)

        def send() -> None:
            method(*args)

        return send

    def choose(self, key: str, value: str) -> Callable[[], None]:
        """A button action that sets ``local[key]`` and draws the screen again."""

        def pick() -> None:
            self.local[key] = value
            self.refresh()

        return pick

    def do_text(self, intent: str) -> Callable[[str], None]:
        """A text field's action: ``intent(text)``."""
        method = getattr(self.session, intent)

        def send(text: str) -> None:
            method(text)

        return send
