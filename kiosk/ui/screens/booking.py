"""Pick a day and a free slot, then confirm; the slot grid shows what the kiosk knows."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.calendar import PEOPLE_TZ
from kiosk.core.i18n import N_
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import day_label, time_range, when
from kiosk.ui.widgets import KButton, Panel, Text, column, grid, screen, scrolling, secondary

SLOT_LOOK = {
    "free": (theme.GREEN, theme.WHITE),
    "taken": (theme.GREY_BUTTON, theme.MUTED),
    "past": ((0.95, 0.94, 0.92, 1), (0.6, 0.6, 0.6, 1)),
    "mine": (theme.AMBER, theme.WHITE),
}
SLOT_WORD = {"free": N_("Free"), "taken": N_("Taken"), "past": N_("Past"), "mine": N_("Yours")}


def build_slots(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    today = ctx.now.astimezone(PEOPLE_TZ).date()
    # Portrait: the week in two rows and the slots in three columns, so that a
    # day's date and a slot's times keep to their lines on 800 px.
    days = grid(m, 4, spacing=8) if m.portrait else BoxLayout(spacing=m.px(8), size_hint_y=None)
    for day in view.days:
        chosen = day == view.day
        days.add_widget(
            KButton(
                day_label(view.lang, day, today),
                m,
                ctx.do("pick_day", day),
                kid=f"day.{day.isoformat()}",
                size=20,
                fill=theme.RED if chosen else theme.GREY_BUTTON,
                color=theme.WHITE if chosen else theme.INK,
            )
        )
    if not m.portrait:
        days.height = m.target
    slots = grid(m, 3 if m.portrait else 4, spacing=10)
    for slot in view.slots:
        fill, ink = SLOT_LOOK[slot.state]
        label = f"{time_range(slot.start, slot.end)}\n{t(SLOT_WORD[slot.state])}"
        action = ctx.do("pick_slot", slot.start) if slot.state == "free" else None
        slots.add_widget(
            KButton(
                label,
                m,
                action,
                kid=f"slot.{slot.start.strftime('%H%M')}",
                fill=fill,
                color=ink,
                size=24,
                height=m.target * 1.15,
            )
        )
    body = BoxLayout(orientation="vertical", spacing=m.px(12))
    body.add_widget(days)
    body.add_widget(scrolling(slots))
    body.add_widget(
        Text(
            t("Slots shown free may still be taken; the centre confirms."), m, 20, color=theme.MUTED
        )
    )
    room = ctx.name(view.room.name) if view.room else ""
    return screen(
        m,
        t("Book {room}: choose a time", room=room),
        body,
        [secondary(t("Back"), m, ctx.do("back"), kid="back")],
    )


def build_confirm(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    slot, room = view.slot, view.room
    card = Panel(orientation="vertical", padding=m.px(24), spacing=m.px(12))
    lines = [
        Text(ctx.name(room.name) if room else "", m, 40, bold=True, color=theme.RED),
        Text(when(view.lang, slot.start, slot.end) if slot else "", m, 36),
        Text(
            t("The centre decides; you will see the answer here or at your next swipe."),
            m,
            24,
            color=theme.MUTED,
        ),
    ]
    card.add_widget(scrolling(column(m, *lines)))
    return screen(
        m,
        t("Confirm your booking"),
        card,
        [
            secondary(t("Back"), m, ctx.do("back"), kid="back"),
            KButton(t("Send booking request"), m, ctx.do("confirm"), kid="confirm"),
        ],
    )
