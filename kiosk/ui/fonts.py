"""Find a font that has Chinese glyphs, or say clearly that there is none.

Kivy's default font (Roboto) has no CJK glyphs: every Chinese character
would be a box. Order: the ``LIANXIN_KIOSK_FONT`` environment variable (a
file), then the standard font directories for the Noto / Source Han /
WenQuanYi families. Pure Python: importable and testable without Kivy.
"""

from __future__ import annotations

import os
from pathlib import Path

FONT_ENV = "LIANXIN_KIOSK_FONT"
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# Best first: Simplified-Chinese-first families, then pan-CJK collections.
CANDIDATES = (
    "NotoSansSC-Regular.otf",
    "NotoSansCJKsc-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "NotoSansCJK-Regular.ttc",
    "SourceHanSans-Regular.ttc",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
)
BOLD = {"NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc"}


class FontNotFoundError(RuntimeError):
    pass


def find_cjk_font(override: str | None = None) -> Path:
    """The font file to use; raises ``FontNotFoundError`` naming what to install."""
    chosen = override or os.environ.get(FONT_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise FontNotFoundError(f"{FONT_ENV}={chosen}: no such font file")
        return path
    for name in CANDIDATES:
        for directory in FONT_DIRS:
            if directory.is_dir():
                found = next(iter(sorted(directory.rglob(name))), None)
                if found is not None:
                    return found
    raise FontNotFoundError(
        "no font with Chinese glyphs found in "
        + ", ".join(str(d) for d in FONT_DIRS)
        + f"; install fonts-noto-cjk (Debian) or set {FONT_ENV} to a .ttf/.otf/.ttc file"
    )


def bold_variant(regular: Path) -> Path:
    """The bold face beside ``regular`` when there is one, else ``regular`` itself."""
    name = BOLD.get(regular.name)
    if name and (regular.parent / name).is_file():
        return regular.parent / name
    return regular
