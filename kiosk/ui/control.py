"""A test and benchmark hook: drive the running app through a Unix socket.

Off unless ``LIANXIN_KIOSK_CONTROL`` names a socket path. Commands are JSON
lines; each runs on the UI thread (Clock) and answers one JSON line:

- ``{"cmd": "state"}``: screen, view version, language, every text shown,
  the ``kid`` of every enabled button, monotonic time of the last render;
- ``{"cmd": "tap", "kid": "menu.book"}``: a touch down and up at the
  button's centre, through Kivy's input dispatch like a finger;
- ``{"cmd": "layout"}``: every text shown, its widget's box and where its
  drawn text lands, in window pixels (spilled or blurred text shows here);
- ``{"cmd": "keys", "text": "ABC123"}``: key events into the window, as a
  keyboard-wedge scanner types them, then Enter;
- ``{"cmd": "resize", "size": [800, 1280]}``: the window resized, as when a
  panel is turned (the screen is drawn again at the next frames);
- ``{"cmd": "detached"}``: how many widgets are alive outside the window's
  tree (replaced ones not yet freed), counted without collecting;
- ``{"cmd": "screenshot", "path": "/tmp/x.png"}``; ``{"cmd": "quit"}``.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import socket
import threading
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.input.motionevent import MotionEvent
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui.root import KioskRoot
from kiosk.ui.widgets import KButton

CONTROL_ENV = "LIANXIN_KIOSK_CONTROL"
ANSWER_TIMEOUT_S = 20.0


class _Finger(MotionEvent):  # type: ignore[misc]
    def __init__(self, x: float, y: float) -> None:
        super().__init__(
            "control",
            1,
            {"x": x / (Window.width - 1.0), "y": y / (Window.height - 1.0)},
            is_touch=True,
            type_id="touch",
        )
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)


def start_control(root: KioskRoot) -> threading.Thread | None:
    path = os.environ.get(CONTROL_ENV)
    if not path:
        return None
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    Path(path).unlink(missing_ok=True)
    server.bind(path)
    server.listen(4)
    thread = threading.Thread(target=_serve, args=(server, root), name="ui-control", daemon=True)
    thread.start()
    return thread


def _serve(server: socket.socket, root: KioskRoot) -> None:
    while True:
        connection, _ = server.accept()
        threading.Thread(
            target=_talk, args=(connection, root), name="ui-control-conn", daemon=True
        ).start()


def _talk(connection: socket.socket, root: KioskRoot) -> None:
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            command = json.loads(line)
            answers: queue.Queue[dict[str, Any]] = queue.Queue()
            Clock.schedule_once(lambda _dt, c=command, a=answers: a.put(_run(root, c)), 0)
            try:
                answer = answers.get(timeout=ANSWER_TIMEOUT_S)
            except queue.Empty:
                answer = {"error": "the UI thread did not answer"}
            stream.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
            stream.flush()


def _run(root: KioskRoot, command: dict[str, Any]) -> dict[str, Any]:
    cmd = command.get("cmd")
    if cmd == "state":
        return state_of(root)
    if cmd == "layout":
        return {"labels": layout_of(root)}
    if cmd == "tap":
        return _tap(root, str(command["kid"]))
    if cmd == "keys":
        for char in str(command["text"]):
            Window.dispatch("on_textinput", char)
        Window.dispatch("on_key_down", 13, 0, "\r", [])
        return {"ok": True}
    if cmd == "resize":
        Window.size = tuple(int(side) for side in command["size"])
        return {"ok": True}
    if cmd == "detached":
        return {"widgets": detached_widgets(root)}
    if cmd == "screenshot":
        root.export_to_png(str(command["path"]))
        return {"ok": True}
    if cmd == "quit":
        App.get_running_app().stop()
        return {"ok": True}
    return {"error": f"unknown command {cmd!r}"}


def detached_widgets(root: KioskRoot) -> int:
    """Widgets alive but not in ``root``'s tree: garbage the collector has not freed yet."""
    shown = {id(widget) for widget in root.walk(restrict=True)}
    # type(), not isinstance(): the heap holds weak proxies to dead objects too.
    return sum(1 for o in gc.get_objects() if issubclass(type(o), Widget) and id(o) not in shown)


def state_of(root: KioskRoot) -> dict[str, Any]:
    view = root.view
    texts = [w.text for w in root.walk(restrict=True) if isinstance(w, Label) and w.text]
    kids = [
        w.kid
        for w in root.walk(restrict=True)
        if isinstance(w, KButton) and w.kid and not w.disabled
    ]
    return {
        "screen": view.screen.value if view else None,
        "version": view.version if view else -1,
        "lang": view.lang if view else None,
        "large_text": view.large_text if view else False,
        "texts": texts,
        "kids": kids,
        "rendered_version": root.rendered_version,
        "rendered_at": root.rendered_at,
        "tracked": view.tracked.status if view and view.tracked else None,
        "recorded": (
            {"answered": view.recorded.answered, "visits": view.recorded.visits_this_year}
            if view and view.recorded
            else None
        ),
        "status": {"online": root.status.online, "waiting": root.status.waiting},
    }


def layout_of(root: KioskRoot) -> list[dict[str, Any]]:
    """Each label's text, ``kid``, box ``[x, y, w, h]`` and drawn text ``[x, y, w, h]``.

    Window pixels, after any scrolling. Kivy draws a label's text centred on
    the widget at whole local pixels (its label rule), so a fractional
    ``text`` origin means a parent moved it between pixels. ``clip`` is the
    box of the scroll view the label is in (only what lies inside it shows),
    or None.
    """
    found = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label) or not widget.text:
            continue
        width, height = widget.texture_size
        x, y = widget.to_window(widget.x, widget.y)
        text_x, text_y = widget.to_window(
            int(widget.center_x - width / 2.0), int(widget.center_y - height / 2.0)
        )
        found.append(
            {
                "text": widget.text,
                "kid": getattr(widget, "kid", ""),
                "box": [x, y, widget.width, widget.height],
                "text_box": [text_x, text_y, width, height],
                "clip": _clip(widget),
            }
        )
    return found


def _clip(widget: Widget) -> list[float] | None:
    scroller = next((w for w in _ancestors(widget) if isinstance(w, ScrollView)), None)
    if scroller is None:
        return None
    x, y = scroller.to_window(scroller.x, scroller.y)
    return [x, y, scroller.width, scroller.height]


def _tap(root: KioskRoot, kid: str) -> dict[str, Any]:
    target = _find(root, kid)
    if target is None:
        return {"error": f"no enabled button {kid!r} on screen"}
    scroller = next((w for w in _ancestors(target) if isinstance(w, ScrollView)), None)
    if scroller is not None:
        scroller.scroll_to(target, padding=10, animate=False)

    def press(_dt: float) -> None:
        if Clock.frames <= root.built_frame:
            # Widgets put in this frame are laid out only at its end: a press
            # now would land where a new button sits before layout (the
            # window's corner, another button). A finger only meets what is
            # drawn, so press in the next frame.
            Clock.schedule_once(press, 0)
            return
        # Looked up again: the header (clock, status) may have been rebuilt
        # since, and a press on the old, detached button would hit nothing.
        button = _find(root, kid) or target
        x, y = button.to_window(*button.center)
        finger = _Finger(x, y)
        EventLoop.post_dispatch_input("begin", finger)
        EventLoop.post_dispatch_input("end", finger)

    # Scrolling moves the button only at the next layout: press after it.
    Clock.schedule_once(press, 0.05 if scroller is not None else 0)
    return {"ok": True}


def _ancestors(widget: Widget) -> list[Widget]:
    found = []
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        found.append(parent)
        parent = parent.parent
    return found


def _find(root: Widget, kid: str) -> KButton | None:
    for widget in root.walk(restrict=True):
        if isinstance(widget, KButton) and widget.kid == kid and not widget.disabled:
            return widget
    return None
