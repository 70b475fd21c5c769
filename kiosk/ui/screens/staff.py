"""Staff maintenance behind a PIN: reader test, outbox, re-sync, language, exit."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.i18n import N_, labelled
from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.formatting import KINDS, clock
from kiosk.ui.keyboard import Keyboard
from kiosk.ui.widgets import (
    KButton,
    Panel,
    Text,
    column,
    screen,
    scrolling,
    secondary,
    side_by_side,
)
from protocol.messages import MessageType

STATUS = {
    "waiting": N_("waiting"),
    "ok": N_("answered"),
    "rejected": N_("refused"),
    "error": N_("error"),
}
REFERENCE = {
    "roster": N_("Roster"),
    "rooms": N_("Rooms"),
    "activities": N_("Activities"),
    "config": N_("Station settings"),
}


# Ctx.local key: the digits typed so far, kept in the UI while the screen is drawn
# again (a turned panel, a language switch); gone at OK and when the screen changes.
TYPED = "pin.typed"


class PinPad(BoxLayout):  # type: ignore[misc]
    """Digits stay in the UI (this widget, ``Ctx.local``), never in a view, until OK."""

    def __init__(self, ctx: Ctx) -> None:
        super().__init__(
            orientation="vertical",
            spacing=ctx.m.px(10),
            size_hint_x=0.8 if ctx.m.portrait else 0.5,  # keys about as wide as tall
            pos_hint={"center_x": 0.5},
        )
        self._ctx = ctx
        self.pin = ctx.local.get(TYPED, "")
        self._shown = Text("", ctx.m, 40, halign="center")
        self._wrong = ctx.view.pin_error  # until a digit is typed again
        self.add_widget(self._shown)
        self.add_widget(
            Keyboard(
                ctx.m,
                self.pin,
                self._typed,
                mode="digits",
                lang=ctx.view.lang,
                kid="pin",
                max_length=12,
            )
        )
        self._typed(self.pin)

    def _typed(self, text: str) -> None:
        self.pin = self._ctx.local[TYPED] = text
        self._wrong = self._wrong and not text
        if self._wrong:
            self._shown.text = self._ctx.t("Wrong PIN: please try again")
            self._shown.color, self._shown.bold = theme.RED, True
            return
        self._shown.text = "●" * len(text) if text else self._ctx.t("Enter the staff PIN")
        self._shown.color, self._shown.bold = theme.INK, False

    def submit(self) -> None:
        self._ctx.local.pop(TYPED, None)  # a wrong PIN is typed again from the start
        self._ctx.session.enter_pin(self.pin)  # type: ignore[attr-defined]


def build_pin(ctx: Ctx) -> Widget:
    m, t = ctx.m, ctx.t
    pad = PinPad(ctx)
    return screen(
        m,
        t("Staff"),
        pad,
        [
            secondary(t("Cancel"), m, ctx.do("home"), kid="cancel"),
            KButton(t("OK"), m, pad.submit, kid="pin.ok"),
        ],
    )


def build(ctx: Ctx) -> Widget:
    m, t, view = ctx.m, ctx.t, ctx.view
    info = view.staff
    left = Panel(orientation="vertical", padding=m.px(16))
    oldest = clock(info.oldest_waiting_at) if info.oldest_waiting_at else "—"
    lines: list[Widget] = [
        Text(t("Outbox"), m, 28, bold=True),
        Text(
            t(
                "Stored: {total} · waiting to send: {waiting} (oldest {oldest})",
                total=info.total,
                waiting=info.waiting,
                oldest=oldest,
            ),
            m,
            22,
        ),
    ]
    for line in info.recent:
        lines.append(
            Text(
                f"#{line.seq}  {clock(line.created_at)}  {_kind(ctx, line.type)}  "
                f"{t(STATUS.get(line.status, STATUS['error']))}",
                m,
                20,
                color=theme.MUTED,
            )
        )
    lines.append(Text(t("Reference data"), m, 28, bold=True))
    for name, version in info.reference_versions:
        shown = f"v{version}" if version is not None else t("not received")
        lines.append(
            Text(labelled(view.lang, t(REFERENCE.get(name, name)), shown), m, 20, color=theme.MUTED)
        )
    left.add_widget(scrolling(column(m, *lines, spacing=6)))
    right = column(m, spacing=12)
    right.add_widget(Text(t("Reader test: present a card"), m, 26, bold=True))
    right.add_widget(
        Text(
            info.last_scan or t("No card read yet"),
            m,
            24,
            color=theme.GREEN if info.last_scan else theme.MUTED,
        )
    )
    right.add_widget(
        KButton(t("Refresh"), m, ctx.do("staff_refresh"), kid="staff.refresh", size=24)
    )
    resync = t("Re-sync requested") if info.resync_requested else t("Re-sync reference data")
    right.add_widget(KButton(resync, m, ctx.do("staff_resync"), kid="staff.resync", size=24))
    other = "en" if view.default_lang == "zh_CN" else "zh_CN"
    right.add_widget(
        KButton(
            t("Default language: {language}", language=_lang_name(ctx, view.default_lang)),
            m,
            ctx.do("staff_default_lang", other),
            kid="staff.lang",
            size=24,
        )
    )
    right.add_widget(
        secondary(t("Exit the kiosk app"), m, ctx.do("staff_exit"), kid="staff.exit", size=24)
    )
    holder = BoxLayout()
    holder.add_widget(scrolling(right))
    # Portrait: the outbox on top, and the buttons below get the larger share.
    shares = (0.45, 0.55) if m.portrait else (0.55, 0.45)
    body = side_by_side(m, (left, shares[0]), (holder, shares[1]))
    return screen(
        m, t("Staff maintenance"), body, [KButton(t("Done"), m, ctx.do("home"), kid="done")]
    )


def _kind(ctx: Ctx, kind: str) -> str:
    """A stored request's type in words ("check_in" is the wire's name for it)."""
    try:
        return ctx.t(KINDS[MessageType(kind)])
    except (ValueError, KeyError):
        return kind  # a type this kiosk version does not know: the wire name is all there is


def _lang_name(ctx: Ctx, lang: str) -> str:
    return ctx.t("Chinese") if lang == "zh_CN" else ctx.t("English")
