"""An activity is running: one tap says whether the person came for it."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui.context import Ctx
from kiosk.ui.formatting import time_range
from kiosk.ui.widgets import KButton, Text, column, screen, scrolling, secondary


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    person = view.person
    name = person.masked_name if person and person.masked_name else ""
    hello = t("Welcome, {name}", name=name) if name else t("Welcome")
    # The greeting is the title; the question has a line of its own above the answers.
    choices = [Text(t("What brings you here?"), m, 32)]
    for row in view.purposes:
        label = t(
            "I am here for: {activity} ({time})",
            activity=ctx.name(row.title),
            time=time_range(row.starts_at, row.ends_at),
        )
        choices.append(
            KButton(
                label,
                m,
                ctx.do("choose_purpose", row.id),
                kid=f"purpose.{row.id}",
                height=m.target * 1.2,
                grow=True,
            )
        )
    choices.append(
        secondary(
            t("Just a visit"),
            m,
            ctx.do("choose_purpose", None),
            kid="purpose.visit",
            height=m.target * 1.2,
            grow=True,
        )
    )
    return screen(m, hello, scrolling(column(m, *choices)), [])
