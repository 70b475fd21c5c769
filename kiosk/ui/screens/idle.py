"""Idle / attract: the prompt, today's activities, the rooms, what one can do here."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.session_views import Action
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import time_range
from kiosk.ui.widgets import (
    KButton,
    Panel,
    Text,
    column,
    fitting_row,
    scrolling,
    secondary,
    side_by_side,
)


def build(ctx: Ctx) -> Widget:
    m, t = ctx.m, ctx.t
    left = BoxLayout(orientation="vertical", spacing=m.px(16))
    prompt = _Prompt(ctx)
    left.add_widget(prompt)
    # Rows as tall as their labels need: large text or a portrait panel wraps
    # "First visit? Register" onto two lines, which must stay inside the button.
    menu = column(
        m,
        fitting_row(
            m,
            KButton(t("Book a room"), m, ctx.do("open", Action.BOOK), kid="menu.book"),
            KButton(t("Activities"), m, ctx.do("open", Action.ACTIVITIES), kid="menu.activities"),
        ),
        fitting_row(
            m,
            KButton(t("Services"), m, ctx.do("open", Action.SERVICES), kid="menu.services"),
            secondary(
                t("First visit? Register"), m, ctx.do("open", Action.VISITOR), kid="menu.visitor"
            ),
        ),
    )
    left.add_widget(menu)
    # Portrait: the prompt and the menu on top, today's activities and rooms below.
    return side_by_side(m, (left, 0.58), (_today(ctx), 0.42), spacing=24, padding=m.px(24))


class _Prompt(Panel):
    """The call to swipe, centred in what the menu rows leave of the column.

    Menu rows grow for large text, so in a short window (a 7" panel) the
    heading and the QR line step down a text size at a time together rather
    than run into each other; when even that is too tall the QR line gives way.
    """

    def __init__(self, ctx: Ctx) -> None:
        m, t = ctx.m, ctx.t
        super().__init__(orientation="vertical", padding=m.px(24), spacing=m.px(10), fill=theme.RED)
        self._heading_sizes = m.steps_down(48, floor=30)
        self._line_sizes = m.steps_down(30, floor=22)
        self._heading = Text(
            t("Swipe your card or ID card"), m, 48, bold=True, color=theme.WHITE, halign="center"
        )
        self._line = Text(
            t("or scan your QR code on the reader"), m, 30, color=theme.GOLD, halign="center"
        )
        for child in (Widget(), self._heading, self._line, Widget()):
            self.add_widget(child)
        # Fitted once the layout has settled (next frame), not at each size it
        # passes through: every text size tried opens a font face Kivy keeps.
        self.bind(size=Clock.create_trigger(self._fit))

    def _fit(self, *_args: object) -> None:
        # Measured now, at this width: the labels' own layout comes a frame later.
        inner = max(1.0, self.width - self.padding[0] - self.padding[2])
        self._heading.text_size = self._line.text_size = (inner, None)
        if self._line.parent is None:
            self.add_widget(self._line, index=1)
        headings, lines = self._heading_sizes, self._line_sizes
        for step in range(max(len(headings), len(lines))):  # in step: the heading stays larger
            heading, line = headings[min(step, len(headings) - 1)], lines[min(step, len(lines) - 1)]
            if self._fits(heading, line):
                return
        self.remove_widget(self._line)
        for heading in headings:
            if self._fits(heading, None):
                return

    def _fits(self, heading: float, line: float | None) -> bool:
        room = self.height - self.padding[1] - self.padding[3] - 3 * self.spacing
        self._heading.font_size = heading
        self._heading.texture_update()
        room -= self._heading.texture_size[1]
        if line is not None:
            self._line.font_size = line
            self._line.texture_update()
            room -= self._line.texture_size[1]
        return room >= 0


def _today(ctx: Ctx) -> Widget:
    m, t, overview = ctx.m, ctx.t, ctx.view.overview
    panel = Panel(orientation="vertical", padding=m.px(20), spacing=m.px(10))
    items: list[Widget] = [Text(t("Today's activities"), m, 30, bold=True)]
    if not overview.has_activities:
        items.append(Text(t("No activity information yet"), m, 24, color=theme.MUTED))
    elif not overview.activities_today:
        items.append(Text(t("No activities today"), m, 24, color=theme.MUTED))
    for row in overview.activities_today:
        places = (
            t("{n} places left", n=row.places_left) if row.places_left else t("Full: wait list")
        )
        items.append(
            Text(f"{time_range(row.starts_at, row.ends_at)}  {ctx.name(row.title)}", m, 24)
        )
        items.append(Text(places, m, 20, color=theme.MUTED))
    items.append(Text(t("Rooms at this station"), m, 30, bold=True))
    if not overview.has_rooms:
        items.append(Text(t("No room information yet"), m, 24, color=theme.MUTED))
    for room in overview.rooms:
        items.append(
            Text(t("{room} · {n} seats", room=ctx.name(room.name), n=room.capacity), m, 24)
        )
    panel.add_widget(scrolling(column(m, *items, spacing=8)))
    return panel
