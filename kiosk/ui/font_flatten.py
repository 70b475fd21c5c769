"""Kiosk fonts without CFF subroutines: about 2 MB less memory for every text size.

Kivy's SDL2 text provider opens one FreeType face for every font, size and
weight it draws (the kiosk's type scale has 20). SDL_ttf gives FreeType the
font as a stream, not as memory, and FreeType copies a CFF font's subroutine
indexes out of a stream into each face it opens: ~2.3 MB per face for Noto
Sans CJK. Inlining every subroutine into the glyphs that call it (fontTools'
``desubroutinize``) keeps the same outlines and hints in a file ~2 MB larger,
and FreeType then has nothing to copy. Measured with the SC face under Xvfb:
20 sizes cost 77 MB resident as extracted, 36 MB flat (docs/performance.md).

Flattening one CJK weight takes ~25 s and ~430 MB while fontTools holds
65,535 glyphs, so it is a deploy step (``lianxin kiosk --config … --prepare-
fonts``), never work for a kiosk's start. A kiosk whose cache has no flat
copy draws with the face as it is and logs how to make one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.ui.font_faces import source_digest, written_atomically

log = logging.getLogger(__name__)

CFF_FLAVOUR = b"OTTO"  # sfnt version of a font with CFF outlines (TrueType: 0x00010000)


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` did for one face: ``flat`` is None for TrueType outlines."""

    face: Path
    flat: Path | None
    seconds: float  # 0.0 when the flat copy was there already


def flat_copy_path(face: Path, cache_dir: Path) -> Path:
    """Where the flat copy of ``face`` lives, named after the font file it came from.

    A face extracted into ``cache_dir`` carries its collection's digest
    already, and its stale copies (flat ones included) go when the collection
    changes; any other font file gets its own digest here.
    """
    if face.parent == cache_dir:
        return cache_dir / f"{face.stem}-flat.otf"
    return cache_dir / f"{face.stem}-{source_digest(face)}-flat.otf"


def has_cff_outlines(face: Path) -> bool:
    """True for an OpenType font with CFF outlines, the kind FreeType copies subroutines of."""
    try:
        with face.open("rb") as font:
            return font.read(4) == CFF_FLAVOUR
    except OSError:
        return False


def flatten(face: Path, target: Path) -> None:
    """Write ``face`` with its CFF subroutines inlined to ``target`` (whole, or not at all).

    Raises ``OSError`` when a file cannot be read or written and ``ValueError``
    when ``face`` is not a CFF font.
    """
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only the deploy step loads fontTools

    try:
        font = TTFont(str(face))
        if "CFF " not in font:
            raise ValueError(f"{face} has no CFF outlines to flatten")
        font["CFF "].cff.desubroutinize()
    except (OSError, ValueError):
        raise
    except Exception as exc:  # fontTools reports a damaged font with many exception types
        raise ValueError(f"{face}: not a font fontTools can read ({exc!r})") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    with written_atomically(target) as out:
        font.save(out)


def prepare(face: Path, cache_dir: Path) -> Prepared:
    """Make the flat copy of ``face`` in ``cache_dir`` unless it is there or not needed."""
    if not has_cff_outlines(face):
        return Prepared(face, None, 0.0)
    target = flat_copy_path(face, cache_dir)
    if target.is_file():
        return Prepared(face, target, 0.0)
    started = time.monotonic()
    flatten(face, target)
    seconds = time.monotonic() - started
    if face.parent != cache_dir:  # copies made from an earlier version of the same file
        for old in cache_dir.glob(f"{face.stem}-*-flat.otf"):
            if old != target:
                old.unlink(missing_ok=True)
    log.info(
        "flattened a kiosk font",
        extra={"event": "font_flattened", "font": str(face), "seconds": round(seconds, 1)},
    )
    return Prepared(face, target, seconds)


def drawn_face(face: Path, cache_dir: Path) -> Path:
    """The file to draw ``face`` with: its flat copy when one was prepared, else ``face``."""
    flat = flat_copy_path(face, cache_dir)
    if flat.is_file():
        return flat
    if has_cff_outlines(face):
        log.info(
            "kiosk font not flattened: each text size costs ~2 MB more memory; "
            "run `lianxin kiosk --config <kiosk.toml> --prepare-fonts` once",
            extra={"event": "font_not_flattened", "font": str(face)},
        )
    return face
