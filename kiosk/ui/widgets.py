"""The few widgets every screen is made of; their look is in widgets.kv."""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.theme import RGBA, Metrics


class Text(Label):  # type: ignore[misc]
    """Wrapping text that takes the height it needs."""

    def __init__(self, text: str, m: Metrics, size: float = 30, **kwargs: object) -> None:
        kwargs.setdefault("color", theme.INK)
        kwargs.setdefault("size_hint_y", None)
        super().__init__(text=text, font_size=m.font(size), **kwargs)
        self.bind(width=self._wrap, texture_size=self._fit)

    def _wrap(self, *_args: object) -> None:
        self.text_size = (self.width, None)

    def _fit(self, *_args: object) -> None:
        if self.size_hint_y is None:
            self.height = self.texture_size[1]


class KButton(Button):  # type: ignore[misc]
    """A finger-sized button; ``kid`` names it for tests and logs."""

    kid = StringProperty("")
    fill = ColorProperty(theme.RED)

    def __init__(
        self,
        text: str,
        m: Metrics,
        on_press: Callable[[], None] | None,
        *,
        kid: str = "",
        size: float = 30,
        fill: RGBA = theme.RED,
        color: RGBA = theme.WHITE,
        height: float | None = None,
        grow: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(
            text=text,
            font_size=m.font(size),
            kid=kid,
            fill=fill,
            color=color,
            halign="center",
            valign="middle",
            **kwargs,
        )
        if "size_hint_y" not in kwargs:
            self.size_hint_y = None
            # Whole pixels: a button at a fractional height puts the rows below
            # it, and their text, between pixels, and Kivy draws such text blurred.
            self.height = round(height) if height else m.target
        self._least = self.height
        self.disabled = on_press is None
        self._action = on_press
        self.bind(size=self._wrap)
        if grow:
            self.bind(texture_size=self._grow)

    @property
    def needed_height(self) -> int:
        """The height that shows the wrapped text with the usual margin above and below."""
        return round(self.texture_size[1] + self.font_size * 0.8)

    def _grow(self, *_args: object) -> None:
        self.height = max(self._least, self.needed_height)

    def _wrap(self, *_args: object) -> None:
        pad = self.font_size * 0.4
        self.text_size = (max(1.0, self.width - 2 * pad), None)

    def on_release(self) -> None:
        if self._action is not None:
            self._action()


class Tick(KButton):
    """A tick box and its label, on a button: the box is drawn (widgets.kv), no glyph.

    The label is left unwrapped and padded on its left for the box, so the
    box and the words stay together in the middle of the button.
    """

    checked = BooleanProperty(False)
    box = NumericProperty(0)  # the box's side, in pixels

    def __init__(
        self,
        text: str,
        m: Metrics,
        on_press: Callable[[], None] | None,
        *,
        checked: bool,
        kid: str = "",
    ) -> None:
        super().__init__(
            text,
            m,
            on_press,
            kid=kid,
            fill=theme.GREEN if checked else theme.CARD,
            color=theme.WHITE if checked else theme.INK,
        )
        self.checked = checked
        self.box = round(self.font_size * 0.9)
        self.padding = [self.box + round(self.font_size * 0.4), 0, 0, 0]

    def _wrap(self, *_args: object) -> None:
        return None  # "I agree" is short: one line, the box beside it


class Field(KButton):
    """A text box the on-screen keys type into: its label above, its text on one line.

    A long text shows its end (where typing happens) rather than wrapping.
    With ``on_press`` it is a button that picks the field the keys type into;
    ``focused`` marks that field.
    """

    def __init__(
        self,
        label: str,
        value: str,
        m: Metrics,
        on_press: Callable[[], None] | None = None,
        *,
        kid: str = "",
        focused: bool = False,
    ) -> None:
        super().__init__("", m, on_press, kid=kid, fill=theme.FOCUS if focused else theme.CARD)
        box = BoxLayout(orientation="vertical", padding=(m.px(12), m.px(4)), size_hint_y=None)
        for text, size, bold, color, cut in (
            (label, 20, False, theme.MUTED, "right"),
            (value + "▏", 30, True, theme.INK, "left"),
        ):
            box.add_widget(
                Text(
                    text,
                    m,
                    size,
                    bold=bold,
                    color=color,
                    disabled_color=color,
                    shorten=True,
                    shorten_from=cut,
                )
            )
        box.bind(minimum_height=box.setter("height"))
        self.add_widget(box)
        self.bind(pos=box.setter("pos"), width=box.setter("width"))
        box.bind(height=self.setter("height"))


def secondary(text: str, m: Metrics, on_press: Callable[[], None] | None, **kw: object) -> KButton:
    """A grey button for the less important choice (back, cancel)."""
    return KButton(text, m, on_press, fill=theme.GREY_BUTTON, color=theme.INK, **kw)


def fitting_row(m: Metrics, *buttons: KButton, spacing: float = 14) -> BoxLayout:
    """Buttons side by side, the row as tall as the tallest one's wrapped text needs.

    At least a finger's height; large text or a narrow portrait panel may
    wrap a label onto a second line, and the row grows instead of letting it spill.
    """
    row = BoxLayout(spacing=m.px(spacing), size_hint_y=None, height=m.target)

    def fit(*_args: object) -> None:
        row.height = max([m.target, *(button.needed_height for button in buttons)])

    for button in buttons:
        button.size_hint_y = 1
        button.bind(texture_size=fit)
        row.add_widget(button)
    return row


class Panel(BoxLayout):  # type: ignore[misc]
    """A white card with padding; background drawn in widgets.kv."""

    fill = ColorProperty(theme.CARD)


def side_by_side(
    m: Metrics, *parts: tuple[Widget, float], spacing: float = 16, **kwargs: object
) -> BoxLayout:
    """``parts`` beside each other on a landscape panel, stacked top to bottom in portrait.

    Each part takes its share (a fraction) of the box's width, or of its
    height in portrait: the first part is the left one, or the top one.
    """
    box = BoxLayout(
        orientation="vertical" if m.portrait else "horizontal", spacing=m.px(spacing), **kwargs
    )
    for part, share in parts:
        part.size_hint = (1, share) if m.portrait else (share, 1)
        box.add_widget(part)
    return box


def column(m: Metrics, *children: Widget, spacing: float = 14, **kwargs: object) -> BoxLayout:
    """A vertical box as tall as its children (put it in a ScrollView when long)."""
    box = BoxLayout(orientation="vertical", spacing=m.px(spacing), size_hint_y=None, **kwargs)
    box.bind(minimum_height=box.setter("height"))
    for child in children:
        box.add_widget(child)
    return box


def scrolling(content: Widget) -> ScrollView:
    view = ScrollView(do_scroll_x=False, bar_width=10, scroll_type=["bars", "content"])
    view.add_widget(content)
    return view


def grid(m: Metrics, cols: int, spacing: float = 12) -> GridLayout:
    layout = GridLayout(cols=cols, spacing=m.px(spacing), size_hint_y=None)
    layout.bind(minimum_height=layout.setter("height"))
    return layout


def screen(
    m: Metrics, title: str, body: Widget, actions: list[KButton], *, title_color: RGBA = theme.INK
) -> BoxLayout:
    """The frame every screen but idle shares: a title, the body, a row of actions."""
    frame = BoxLayout(orientation="vertical", padding=m.px(24), spacing=m.px(16))
    heading = Text(title, m, 40, bold=True, color=title_color)
    frame.add_widget(heading)
    frame.add_widget(body)
    if body.size_hint_y is None:
        # A body only as tall as its text (a "no data yet" message) stays under
        # the title: the space left over goes below it, not above the title.
        frame.add_widget(Widget())
    if actions:
        frame.add_widget(fitting_row(m, *actions, spacing=16))
    return frame
