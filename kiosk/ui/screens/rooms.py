"""Pick a room: this station's first, then rooms nearby."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.widgets import KButton, Text, column, grid, screen, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t, rooms = ctx.m, ctx.t, ctx.view.rooms
    back = secondary(t("Back"), m, ctx.do("back"), kid="back")
    if not rooms:
        body = column(
            m,
            Text(t("Room information has not arrived yet."), m, 32),
            Text(t("Please try again later or ask staff."), m, 26, color=theme.MUTED),
        )
        return screen(m, t("Book a room"), body, [back])
    items = grid(m, 1 if m.portrait else 2)  # portrait: a room's name and station on one line
    for room in rooms:
        # Another station by its name; an older hub sends none, and its id
        # ("st02") would mean nothing to a visitor: "nearby" then.
        if room.here:
            where = t("This station")
        elif room.station_name is not None:
            where = ctx.name(room.station_name)
        else:
            where = t("Nearby station")
        label = f"{ctx.name(room.name)}\n{t('{n} seats', n=room.capacity)} · {where}"
        items.add_widget(
            KButton(
                label,
                m,
                ctx.do("pick_room", room.id),
                kid=f"room.{room.id}",
                fill=theme.RED if room.here else theme.RED_DARK,
                height=m.target * 1.5,
                size=28,
            )
        )
    return screen(m, t("Book a room: choose a room"), scrolling(items), [back])
