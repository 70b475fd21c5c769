"""Kiosk fonts without CFF subroutines: about 2 MB less memory for every text size.

Kivy's SDL2 text provider opens one FreeType face for every font, size and
weight it draws (the kiosk's type scale has 20). SDL_ttf gives FreeType the
font as a stream, not as memory, and FreeType copies a CFF font's subroutine
indexes out of a stream into each face it opens: ~2.3 MB per face for Noto
Sans CJK. Inlining every subroutine into the glyphs that call it (fontTools'
``desubroutinize``) keeps the same outlines and hints in a file ~2 MB larger,
and FreeType then has nothing to copy. Measured with the SC face under Xvfb:
20 sizes cost 77 MB resident as extracted, 36 MB flat (docs/performance.md).

Flattening one CJK weight takes 25-50 s and ~430 MB while fontTools holds
65,535 glyphs (the weights side by side, one process each, where there are
the cores), so it is a deploy step (``lianxin kiosk --config … --prepare-
fonts``), never work for a kiosk's start. A kiosk whose cache has no flat
copy draws with the face as it is and logs how to make one.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.ui.font_faces import source_digest, written_atomically

log = logging.getLogger(__name__)

CFF_FLAVOUR = b"OTTO"  # sfnt version of a font with CFF outlines (TrueType: 0x00010000)
EXIT_NOT_A_FONT = 2  # main's exit codes, for the process that ran it
EXIT_CANNOT_WRITE = 3


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


def _flatten_each(jobs: list[tuple[Path, Path]]) -> dict[Path, float]:
    """Run ``flatten`` for each (face, target), a process each where there are cores; seconds.

    The processes are ``python -m kiosk.ui.font_flatten`` (``main``), so they
    import this module and fontTools only, whatever the caller's program is.
    """
    if min(len(jobs), os.cpu_count() or 1) <= 1:
        return {face: _timed_flatten(face, target) for face, target in jobs}
    running = [
        (
            face,
            subprocess.Popen(
                [sys.executable, "-m", __spec__.name, str(face), str(target)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for face, target in jobs
    ]
    seconds: dict[Path, float] = {}
    errors: list[Exception] = []
    for face, process in running:  # every one is waited for, even after a failure
        out, err = process.communicate()
        if process.returncode == 0:
            seconds[face] = float(out.split()[-1])  # main's last line
        elif process.returncode == EXIT_NOT_A_FONT:
            errors.append(ValueError(err.strip()))
        elif process.returncode == EXIT_CANNOT_WRITE:
            errors.append(OSError(err.strip()))
        else:
            errors.append(
                OSError(
                    f"flattening {face} stopped (exit {process.returncode}; out of memory? "
                    f"it takes ~430 MB): {err.strip()[-500:]}"
                )
            )
    if errors:
        raise errors[0]
    return seconds


def _timed_flatten(face: Path, target: Path) -> float:
    started = time.monotonic()
    flatten(face, target)
    return time.monotonic() - started


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


def main(argv: Sequence[str]) -> int:
    """``python -m kiosk.ui.font_flatten FACE TARGET``: one of ``prepare_all``'s processes.

    Prints the seconds it took; a font it cannot read exits ``EXIT_NOT_A_FONT``
    and a file it cannot read or write ``EXIT_CANNOT_WRITE``, the reason on stderr.
    """
    face, target = (Path(arg) for arg in argv)
    try:
        print(_timed_flatten(face, target))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return EXIT_NOT_A_FONT
    except OSError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CANNOT_WRITE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
