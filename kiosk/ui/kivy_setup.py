"""Configure Kivy before its window exists: size, no argv parsing, fonts, styles.

Import order matters with Kivy: ``prepare`` must run before anything imports
``kivy.core.window``. Only ``kiosk.ui.app`` calls it.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.ui.fonts import KioskFonts, kiosk_fonts

KV_FILE = Path(__file__).resolve().parent / "widgets.kv"


def parse_size(size: str) -> tuple[int, int]:
    """ "1280x800" -> (1280, 800); ValueError with the expected form otherwise."""
    try:
        width, height = (int(part) for part in size.lower().split("x"))
    except ValueError:
        raise ValueError(f"window size {size!r}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    if width < 320 or height < 240:
        raise ValueError(f"window size {size!r} is too small (at least 320x240)")
    return width, height


def prepare(
    size: tuple[int, int] | None, *, font_cache: Path, fullscreen: bool = False
) -> KioskFonts:
    """Set Kivy's config for a kiosk window; returns the CJK fonts in use.

    Raises ``FontNotFoundError`` before any window opens when no font with
    Chinese glyphs exists, so the kiosk never shows boxes instead of text.
    ``font_cache`` keeps the Simplified Chinese faces taken out of a collection.
    """
    font = kiosk_fonts(font_cache)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # our logging, not Kivy's console handler
    # The screens show no pictures; screenshots are PNGs, which SDL_image (loaded
    # with the window anyway) writes. Kivy's default list also imports Pillow and
    # its codecs: ~3 MB resident for nothing.
    os.environ.setdefault("KIVY_IMAGE", "sdl2")
    from kivy.config import Config  # noqa: PLC0415 - must follow the environment above

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")  # no Kivy virtual keyboard; ours are screens
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("graphics", "resizable", "0")
    # Kivy asks for 2x MSAA by default. Our screens are text (antialiased by
    # FreeType, not MSAA) and boxes: it would only soften the edges of rounded
    # corners, and its window buffers cost ~32 MB resident under software GL
    # (GPU memory and fill rate on a real panel).
    Config.set("graphics", "multisamples", "0")
    if size is not None:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
    return font


def load_styles(font: KioskFonts) -> None:
    """Make the CJK fonts Kivy's default and load the widget styles (after ``prepare``)."""
    from kivy.core.text import DEFAULT_FONT, LabelBase  # noqa: PLC0415
    from kivy.lang import Builder  # noqa: PLC0415

    LabelBase.register(DEFAULT_FONT, str(font.regular), fn_bold=str(font.bold))
    Builder.load_file(str(KV_FILE))
