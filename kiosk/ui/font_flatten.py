"""Kiosk fonts without CFF subroutines: about 2 MB less memory for every text size.

Kivy's SDL2 text provider opens one FreeType face for every font, size and
weight it draws (the kiosk's type scale has 20). SDL_ttf gives FreeType the
font as a stream, not as memory, and FreeType copies a CFF font's subroutine
indexes out of a stream into each face it opens: ~2.3 MB per face for Noto
Sans CJK. Inlining every subroutine into the glyphs that call it keeps the
same outlines and hints in a file ~2 MB larger, and FreeType then has
nothing to copy. Measured with the SC face under Xvfb: 20 sizes cost 77 MB
resident as extracted, 36 MB flat (docs/performance-rounds.md).

The inlining is AFDKO's ``tx`` (``tx -cff +b``: the CFF table written out
again, glyph order kept, no subroutines), the native tool the ``cffsubr``
package carries: 5-6 s and ~16 MB a CJK weight, against 30-80 s and ~430 MB
for fontTools' ``desubroutinize`` in Python. Its table goes into a copy of
the font whose other tables fontTools passes through byte for byte. It is
still a deploy step (``lianxin kiosk --config … --prepare-fonts``), never
work for a kiosk's start. A kiosk whose cache has no flat copy draws with
the face as it is and logs how to make one.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.ui.font_faces import source_digest, written_atomically

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

log = logging.getLogger(__name__)

CFF_FLAVOUR = b"OTTO"  # sfnt version of a font with CFF outlines (TrueType: 0x00010000)


@dataclass(frozen=True)
class Prepared:
    """What ``prepare_all`` did for one face: ``flat`` is None for TrueType outlines."""

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
    _flatten_each([(face, target)])


def prepare_all(faces: Sequence[Path], cache_dir: Path) -> list[Prepared]:
    """Make the flat copy of each of ``faces`` in ``cache_dir`` unless it is there or not needed.

    Flattening is fontTools' Python, one core's work for each face, so the
    faces are flattened side by side where there are the cores: with a core
    for each, the regular and the bold weights take as long as one
    (~430 MB each while it runs). Raises ``OSError`` or ``ValueError`` as
    ``flatten`` does; the copies already made stay, as they are whole.
    """
    targets = {face: flat_copy_path(face, cache_dir) for face in faces if has_cff_outlines(face)}
    seconds = _flatten_each([(f, t) for f, t in targets.items() if not t.is_file()])
    prepared = []
    for face in faces:
        target = targets.get(face)
        if target is None:
            prepared.append(Prepared(face, None, 0.0))
            continue
        if face in seconds:
            _forget_older_copies(face, target, cache_dir)
            log.info(
                "flattened a kiosk font",
                extra={
                    "event": "font_flattened",
                    "font": str(face),
                    "seconds": round(seconds[face], 1),
                },
            )
        prepared.append(Prepared(face, target, seconds.get(face, 0.0)))
    return prepared


def _flatten_each(jobs: Sequence[tuple[Path, Path]]) -> dict[Path, float]:
    """Flatten each (face, target), every face's ``tx`` at once; seconds from the start to each.

    ``tx`` is native and small (~16 MB), so the faces run side by side
    whatever the cores. Every one is waited for, and the copies that came
    out whole are written, before the first error is raised.
    """
    started = time.monotonic()
    errors: list[Exception] = []
    fonts: dict[Path, TTFont] = {}
    for face, _ in jobs:
        try:
            fonts[face] = _cff_font(face)
        except (OSError, ValueError) as exc:
            errors.append(exc)
    seconds: dict[Path, float] = {}
    try:
        with _tx() as tx, tempfile.TemporaryDirectory(prefix="lianxin-flat-") as scratch:
            running = []
            for number, (face, target) in enumerate(jobs):
                if face not in fonts:
                    continue
                table = Path(scratch) / f"{number}.cff"
                process = subprocess.Popen(
                    [str(tx), "-cff", "+b", str(face), str(table)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                running.append((face, target, table, process))
            for face, target, table, process in running:
                said, _ = process.communicate()
                if process.returncode != 0:
                    errors.append(
                        ValueError(f"{face}: tx cannot read its outlines: {said.strip()}")
                    )
                    continue
                try:
                    _write_with_table(fonts[face], table.read_bytes(), target)
                except OSError as exc:
                    errors.append(exc)
                    continue
                seconds[face] = time.monotonic() - started
    finally:
        for font in fonts.values():
            font.close()
    if errors:
        raise errors[0]
    return seconds


def _cff_font(face: Path) -> TTFont:
    """``face`` opened lazily, its tables as they are; ``ValueError`` without CFF outlines."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only the deploy step loads fontTools

    try:
        # No bounding boxes or timestamp worked out again: every table but the
        # outlines is written back exactly as it was read.
        font = TTFont(str(face), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        if "CFF " not in font:
            raise ValueError(f"{face} has no CFF outlines to flatten")
    except (OSError, ValueError):
        raise
    except Exception as exc:  # fontTools reports a damaged font with many exception types
        raise ValueError(f"{face}: not a font fontTools can read ({exc!r})") from exc
    return font


def _write_with_table(font: TTFont, cff: bytes, target: Path) -> None:
    """Save ``font`` to ``target`` with ``cff`` as its CFF table, as bytes, not parsed."""
    from fontTools.ttLib.tables.DefaultTable import DefaultTable  # noqa: PLC0415

    table = DefaultTable("CFF ")
    table.data = cff
    font["CFF "] = table
    target.parent.mkdir(parents=True, exist_ok=True)
    with written_atomically(target) as out:
        font.save(out, reorderTables=False)


@contextmanager
def _tx() -> Iterator[Path]:
    """The ``tx`` executable that the ``cffsubr`` package carries, as a file to run.

    Raises ``OSError`` saying what to install when the package is missing.
    """
    try:
        carrier = files("cffsubr")
    except ModuleNotFoundError as exc:
        raise OSError(
            "AFDKO's tx is needed to prepare the fonts: install the kiosk's "
            "dependencies (pip install 'lianxin[kiosk]', which brings cffsubr)"
        ) from exc
    with as_file(carrier.joinpath("tx")) as tx:
        yield tx


def _forget_older_copies(face: Path, target: Path, cache_dir: Path) -> None:
    """Remove flat copies made from an earlier version of the same font file."""
    if face.parent == cache_dir:  # extracted faces' stale copies go with the collection's
        return
    for old in cache_dir.glob(f"{face.stem}-*-flat.otf"):
        if old != target:
            old.unlink(missing_ok=True)


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
