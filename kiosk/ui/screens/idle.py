"""Idle / attract: the prompt, today's activities, the rooms, what one can do here."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.session_views import Action
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import time_range
from kiosk.ui.widgets import KButton, Panel, Text, column, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t = ctx.m, ctx.t
    body = BoxLayout(padding=m.px(24), spacing=m.px(24))
    left = BoxLayout(orientation="vertical", spacing=m.px(16), size_hint_x=0.58)
    prompt = Panel(orientation="vertical", padding=m.px(24), spacing=m.px(10), fill=theme.RED)
    prompt.add_widget(
        Text(
            t("Swipe your card or ID card"),
            m,
            48,
            bold=True,
            color=theme.WHITE,
            halign="center",
            size_hint_y=1,
        )
    )
    prompt.add_widget(
        Text(
            t("or scan your QR code on the reader"),
            m,
            30,
            color=theme.GOLD,
            halign="center",
            size_hint_y=1,
        )
    )
    left.add_widget(prompt)
    menu = BoxLayout(
        spacing=m.px(14), size_hint_y=None, height=m.target * 2 + m.px(14), orientation="vertical"
    )
    row1 = BoxLayout(spacing=m.px(14))
    row1.add_widget(
        KButton(t("Book a room"), m, ctx.do("open", Action.BOOK), kid="menu.book", size_hint_y=1)
    )
    row1.add_widget(
        KButton(
            t("Activities"),
            m,
            ctx.do("open", Action.ACTIVITIES),
            kid="menu.activities",
            size_hint_y=1,
        )
    )
    row2 = BoxLayout(spacing=m.px(14))
    row2.add_widget(
        KButton(
            t("Services"), m, ctx.do("open", Action.SERVICES), kid="menu.services", size_hint_y=1
        )
    )
    row2.add_widget(
        secondary(
            t("First visit? Register"),
            m,
            ctx.do("open", Action.VISITOR),
            kid="menu.visitor",
            size_hint_y=1,
        )
    )
    menu.add_widget(row1)
    menu.add_widget(row2)
    left.add_widget(menu)
    body.add_widget(left)
    body.add_widget(_today(ctx))
    return body


def _today(ctx: Ctx) -> Widget:
    m, t, overview = ctx.m, ctx.t, ctx.view.overview
    panel = Panel(orientation="vertical", padding=m.px(20), spacing=m.px(10), size_hint_x=0.42)
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
