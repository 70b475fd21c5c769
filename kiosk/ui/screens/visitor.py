"""Visitor registration: name and phone on on-screen keys, explicit consent."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.i18n import N_
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.keyboard import Keyboard
from kiosk.ui.widgets import KButton, Panel, Text, screen, secondary

ERRORS = {
    "name_required": N_("Please enter your name"),
    "name_invalid": N_("Please use letters and digits only"),
    "phone_invalid": N_("Please enter a phone number (digits only)"),
    "unavailable": N_("Visitor registration is not set up at this kiosk; please ask staff"),
    "consent_required": N_("Please read the notice and tick your consent"),
}


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    form, session = view.visitor, ctx.session
    body = BoxLayout(orientation="vertical", spacing=m.px(8))
    keys = BoxLayout(spacing=m.px(16))
    left = BoxLayout(orientation="vertical", spacing=m.px(8), size_hint_x=0.62)
    left.add_widget(_field(ctx, t("Name (pinyin or Latin letters)"), form.name))
    left.add_widget(
        Keyboard(
            m,
            form.name,
            lambda text: session.set_visitor(name=text),  # type: ignore[attr-defined]
            mode="text",
            lang=view.lang,
            kid="kb_name",
            max_length=30,
        )
    )
    right = BoxLayout(orientation="vertical", spacing=m.px(8), size_hint_x=0.38)
    right.add_widget(_field(ctx, t("Mobile phone"), form.phone))
    right.add_widget(
        Keyboard(
            m,
            form.phone,
            lambda text: session.set_visitor(phone=text),  # type: ignore[attr-defined]
            mode="digits",
            lang=view.lang,
            kid="kb_phone",
            max_length=15,
        )
    )
    keys.add_widget(left)
    keys.add_widget(right)
    body.add_widget(keys)
    if form.error:
        body.add_widget(Text(t(ERRORS[form.error]), m, 24, bold=True, color=theme.RED))
    body.add_widget(
        Text(
            t(
                "We keep your name and phone only to register your visits and "
                "contact you about your requests, for at most one year."
            ),
            m,
            20,
            color=theme.MUTED,
        )
    )
    tick = "√ " if form.consent else ""
    consent = KButton(
        tick + t("I agree"),
        m,
        lambda: session.set_visitor(consent=not form.consent),  # type: ignore[attr-defined]
        kid="consent",
        fill=theme.GREEN if form.consent else theme.CARD,
        color=theme.WHITE if form.consent else theme.INK,
    )
    return screen(
        m,
        t("Visitor registration"),
        body,
        [
            secondary(t("Cancel"), m, ctx.do("home"), kid="cancel"),
            consent,
            KButton(t("Register"), m, ctx.do("submit_visitor"), kid="submit"),
        ],
    )


def _field(ctx: Ctx, label: str, value: str) -> Widget:
    m = ctx.m
    box = Panel(padding=(m.px(12), m.px(4)), size_hint_y=None, height=m.target)
    box.add_widget(Text(label, m, 20, color=theme.MUTED, size_hint=(0.45, 1), valign="middle"))
    box.add_widget(Text(value + "▏", m, 30, bold=True, size_hint=(0.55, 1), valign="middle"))
    return box
