"""红色代办: the service catalogue by category, then a short note and submit."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.session_views import Action, Named
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.keyboard import Keyboard
from kiosk.ui.widgets import KButton, Panel, Text, column, grid, screen, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t, services = ctx.m, ctx.t, ctx.view.services
    actions = [
        secondary(t("Back"), m, ctx.do("back"), kid="back"),
        secondary(t("My requests"), m, ctx.do("open", Action.MY_REQUESTS), kid="menu.my_requests"),
    ]
    if not services:
        body = column(
            m,
            Text(t("The service catalogue has not arrived yet."), m, 32),
            Text(t("Please try again later or ask staff."), m, 26, color=theme.MUTED),
        )
        return screen(m, t("Services"), body, actions)
    categories: dict[Named, list[Widget]] = {}
    for item in services:
        categories.setdefault(item.category, []).append(
            KButton(
                ctx.name(item.title),
                m,
                ctx.do("pick_service", item.id),
                kid=f"service.{item.id}",
                size=26,
            )
        )
    parts: list[Widget] = []
    for category, buttons in categories.items():
        parts.append(Text(ctx.name(category), m, 28, bold=True))
        row = grid(m, 2 if m.portrait else 3)
        for button in buttons:
            row.add_widget(button)
        parts.append(row)
    return screen(
        m, t("Services: we run the errand for you"), scrolling(column(m, *parts)), actions
    )


def build_note(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    body = BoxLayout(orientation="vertical", spacing=m.px(12))
    field = Panel(padding=m.px(12), size_hint_y=None, height=m.target)
    shown = view.note or t("(optional) a short note, e.g. a flat number")
    field.add_widget(
        Text(
            shown + "▏",
            m,
            28,
            color=theme.INK if view.note else theme.MUTED,
            size_hint_y=1,
            valign="middle",
        )
    )
    body.add_widget(field)
    body.add_widget(Keyboard(m, view.note, ctx.do_text("set_note"), mode="text", lang=view.lang))
    title = t("Request: {service}", service=ctx.name(view.service.title if view.service else None))
    return screen(
        m,
        title,
        body,
        [
            secondary(t("Back"), m, ctx.do("back"), kid="back"),
            KButton(t("Send request"), m, ctx.do("submit_service"), kid="submit"),
        ],
    )
