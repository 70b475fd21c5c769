"""Find a font that has Chinese glyphs, or say clearly that there is none.

Kivy's default font (Roboto) has no CJK glyphs: every Chinese character
would be a box. Order: the ``LIANXIN_KIOSK_FONT`` environment variable (a
file), then the standard font directories for the Noto / Source Han /
WenQuanYi families. A collection (.ttc) is then narrowed to its Simplified
Chinese face (:mod:`kiosk.ui.font_faces`), the override's too: Kivy would
draw with face 0, which in the pan-CJK collections is the Japanese one.
Pure Python: importable and testable without Kivy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.ui.font_faces import simplified_chinese_face
from kiosk.ui.font_flatten import Prepared, drawn_face, prepare_all

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


@dataclass(frozen=True)
class KioskFonts:
    """The font files Kivy draws with: Simplified Chinese faces where the files had several."""

    regular: Path
    bold: Path


def kiosk_fonts(cache_dir: Path, override: str | None = None) -> KioskFonts:
    """The kiosk's regular and bold fonts; collections' SC faces are extracted into ``cache_dir``.

    Raises ``FontNotFoundError`` (see :func:`find_cjk_font`). The first call
    for a collection copies its SC face (~16 MB per weight, ~0.1 s); later
    calls find the copy. A failed copy falls back to the collection itself.
    Where :func:`prepare_kiosk_fonts` made flat copies, those are drawn with.
    """
    regular = find_cjk_font(override)
    return KioskFonts(
        regular=drawn_face(simplified_chinese_face(regular, cache_dir), cache_dir),
        bold=drawn_face(simplified_chinese_face(bold_variant(regular), cache_dir), cache_dir),
    )


def prepare_kiosk_fonts(cache_dir: Path, override: str | None = None) -> list[Prepared]:
    """The deploy step: extract the SC faces and flatten them (:mod:`kiosk.ui.font_flatten`).

    Raises ``FontNotFoundError``, ``OSError`` (cache not writable) or
    ``ValueError`` (a font fontTools or ``tx`` cannot read).
    """
    regular = find_cjk_font(override)
    sources = dict.fromkeys((regular, bold_variant(regular)))  # one entry when there is no bold
    return prepare_all([simplified_chinese_face(font, cache_dir) for font in sources], cache_dir)


def default_cache_dir() -> Path:
    """Where runs without a kiosk data directory (screenshots) keep extracted faces."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lianxin" / "fonts"


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
