"""Visitor registration: name and phone on on-screen keys, explicit consent."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.i18n import N_
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.keyboard import Keyboard
from kiosk.ui.widgets import (
    Field,
    KButton,
    Text,
    Tick,
    column,
    screen,
    scrolling,
    secondary,
    side_by_side,
)

ERRORS = {
    "name_required": N_("Please enter your name"),
    "name_invalid": N_("Please use letters and digits only"),
    "phone_invalid": N_("Please enter a phone number (digits only)"),
    "unavailable": N_("Visitor registration is not set up at this kiosk; please ask staff"),
    "consent_required": N_("Please read the notice and tick your consent"),
}
PHONE_TOO_SHORT = N_("Phone number too short: enter every digit")
PHONE_KEYS = 15  # the phone keyboard takes no more digits than this


LABELS = {
    "name": N_("Name (pinyin or letters, or swipe your ID card)"),
    "phone": N_("Mobile phone"),
}
FOCUS = "visitor.typing"  # Ctx.local key: the field the one large-text keyboard types into


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    form, session = view.visitor, ctx.session
    body = BoxLayout(orientation="vertical", spacing=m.px(8))
    if view.large_text:
        body.add_widget(_one_keyboard(ctx))
    else:
        # Portrait: the name and its letter keys across the panel's width, the
        # phone and its keypad below; the shares keep the key rows about as tall.
        shares = (0.55, 0.45) if m.portrait else (0.62, 0.38)
        sides = []
        for field, share in zip(("name", "phone"), shares, strict=True):
            side = BoxLayout(orientation="vertical", spacing=m.px(8))
            side.add_widget(Field(t(LABELS[field]), _value(ctx, field), m))
            side.add_widget(_keyboard(ctx, field))
            sides.append((side, share))
        body.add_widget(side_by_side(m, *sides))
        if form.error:
            body.add_widget(_error(ctx))
        body.add_widget(_notice(ctx))
    consent = Tick(
        t("I agree"),
        m,
        lambda: session.set_visitor(consent=not form.consent),  # type: ignore[attr-defined]
        checked=form.consent,
        kid="consent",
    )
    # Large text has no room for an error line under the fields: it takes the title's place.
    shout = view.large_text and form.error
    return screen(
        m,
        _message(ctx) if shout else t("Visitor registration"),
        body,
        [
            secondary(t("Cancel"), m, ctx.do("home"), kid="cancel"),
            consent,
            KButton(t("Register"), m, ctx.do("submit_visitor"), kid="submit"),
        ],
        title_color=theme.RED if shout else theme.INK,
    )


def _one_keyboard(ctx: Ctx) -> Widget:
    """Large text: one keyboard, for the field last tapped, beside (or below) the fields.

    Two keyboards, a notice and an error line in large text left each key a
    sliver (and no room at 800x480): the keys of the field in use get the
    body's full height instead, the notice scrolls when it must.
    """
    m, t = ctx.m, ctx.t
    typing = ctx.local.get(FOCUS, "name")
    left = BoxLayout(orientation="vertical", spacing=m.px(8))
    for field in ("name", "phone"):
        left.add_widget(
            Field(
                t(LABELS[field]),
                _value(ctx, field),
                m,
                ctx.choose(FOCUS, field),
                kid=f"field.{field}",
                focused=field == typing,
            )
        )
    left.add_widget(scrolling(column(m, _notice(ctx))))
    # Portrait: the fields and the notice above, the keys across the width below.
    return side_by_side(m, (left, 0.42), (_keyboard(ctx, typing), 0.58))


def _keyboard(ctx: Ctx, field: str) -> Keyboard:
    session = ctx.session
    if field == "phone":
        return Keyboard(
            ctx.m,
            ctx.view.visitor.phone,
            lambda text: session.set_visitor(phone=text),  # type: ignore[attr-defined]
            mode="digits",
            lang=ctx.view.lang,
            kid="kb_phone",
            max_length=PHONE_KEYS,
        )
    return Keyboard(
        ctx.m,
        ctx.view.visitor.name,
        lambda text: session.set_visitor(name=text),  # type: ignore[attr-defined]
        mode="text",
        lang=ctx.view.lang,
        kid="kb_name",
        max_length=30,
    )


def _value(ctx: Ctx, field: str) -> str:
    form = ctx.view.visitor
    return str(form.phone if field == "phone" else form.name)


def _error(ctx: Ctx) -> Widget:
    return Text(_message(ctx), ctx.m, 24, bold=True, color=theme.RED)


def _message(ctx: Ctx) -> str:
    """What is wrong with the form; a number of digits only can be wrong only in length."""
    form = ctx.view.visitor
    if form.error is None:
        return ""
    digits = form.phone.strip().lstrip("+")
    if form.error == "phone_invalid" and digits.isdigit() and len(digits) <= PHONE_KEYS:
        return ctx.t(PHONE_TOO_SHORT)
    return ctx.t(ERRORS[form.error])


def _notice(ctx: Ctx) -> Widget:
    return Text(
        ctx.t(
            "We keep your name and phone only to register your visits and "
            "contact you about your requests, for at most one year."
        ),
        ctx.m,
        20,
        color=theme.MUTED,
    )
