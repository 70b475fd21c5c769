"""The flat copy of a kiosk font draws exactly as the font, with no CFF subroutines left.

The font here is a small cut of the real Simplified Chinese face (a few
dozen glyphs, its subroutines kept), so flattening takes milliseconds; the
full faces take a few seconds each and are what ``make bench`` measures. The
flattening is AFDKO's ``tx``, not our code: these tests hold it to the same
outlines, the same pixels and every other table kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from kivy import kivy_data_dir

from kiosk.ui import font_flatten
from kiosk.ui.font_flatten import drawn_face, flat_copy_path, flatten, prepare_all
from kiosk.ui.fonts import find_cjk_font, kiosk_fonts, prepare_kiosk_fonts
from tests.ui.kivy_process import DRAW, run_kivy

TEXT = "连心签到今直骨次刃角欢迎王华预约 Check-in 0123456789"
ROBOTO = Path(kivy_data_dir) / "fonts" / "Roboto-Regular.ttf"  # TrueType outlines


def _subroutines(font: TTFont) -> int:
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    privates = [fd.Private for fd in top.FDArray] if hasattr(top, "FDArray") else [top.Private]
    return len(cff.GlobalSubrs) + sum(len(getattr(p, "Subrs", ())) for p in privates)


def _outlines(font: TTFont) -> dict[str, list[tuple[str, tuple[object, ...]]]]:
    glyphs = font.getGlyphSet()
    drawn = {}
    for name in font.getGlyphOrder():
        pen = DecomposingRecordingPen(glyphs)
        glyphs[name].draw(pen)
        drawn[name] = pen.value
    return drawn


@pytest.fixture(scope="module")
def small_face(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SC face cut down to TEXT, its subroutines and hints kept (as the kiosk's font has)."""
    collection = find_cjk_font()
    assert collection.name == "NotoSansCJK-Regular.ttc", (
        f"tests expect fonts-noto-cjk: {collection}"
    )
    directory = tmp_path_factory.mktemp("small")
    face = kiosk_fonts(directory / "cache", override=str(collection)).regular
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(face))
    cutter = subset.Subsetter(options)
    cutter.populate(text=TEXT)
    cutter.subset(font)
    path = directory / "NotoSansSmall-Regular.otf"
    font.save(str(path))
    assert _subroutines(TTFont(str(path))) > 0, "the cut should keep subroutines to flatten"
    return path


def test_the_flat_copy_has_every_outline_and_no_subroutines(
    small_face: Path, tmp_path: Path
) -> None:
    flat = tmp_path / "flat.otf"
    flatten(small_face, flat)
    before, after = TTFont(str(small_face)), TTFont(str(flat))
    assert _subroutines(after) == 0
    assert after.getGlyphOrder() == before.getGlyphOrder()
    assert after.getBestCmap() == before.getBestCmap()
    assert _outlines(after) == _outlines(before)
    assert sorted(after.keys()) == sorted(before.keys()), "every other table is kept"


RENDER = DRAW + textwrap.dedent(
    """
    import json, sys

    face, flat, text = sys.argv[1:4]
    print(json.dumps({
        name: [draw(font, size, text) for size in (13, 18, 24, 36, 64)]
        for name, font in (("face", face), ("flat", flat))
    }))
    """
)


def test_kivy_draws_the_flat_copy_pixel_for_pixel_like_the_face(
    small_face: Path, tmp_path: Path
) -> None:
    """FreeType's CFF hinter sees the same hints once the subroutines are inlined."""
    flat = tmp_path / "flat.otf"
    flatten(small_face, flat)
    done = run_kivy(RENDER, str(small_face), str(flat), TEXT, kivy_home=tmp_path / "kivy")
    assert done.returncode == 0, done.stderr[-3000:]
    drawn = json.loads(done.stdout.strip().splitlines()[-1])
    assert drawn["flat"] == drawn["face"]
    assert len(set(drawn["face"])) == 5, "each size is a different picture"


def test_the_kiosk_draws_with_the_flat_copy_once_the_fonts_are_prepared(
    small_face: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    caplog.set_level("INFO")
    assert kiosk_fonts(cache, override=str(small_face)).regular == small_face
    assert any(getattr(r, "event", "") == "font_not_flattened" for r in caplog.records)

    (done,) = prepare_kiosk_fonts(cache, override=str(small_face))
    assert done.face == small_face and done.flat is not None and done.flat.parent == cache
    assert kiosk_fonts(cache, override=str(small_face)).regular == done.flat

    (again,) = prepare_all([small_face], cache)
    assert (again.flat, again.seconds) == (done.flat, 0.0), "a prepared cache is not redone"


def test_a_changed_font_gets_a_new_flat_copy_and_the_old_one_goes(
    small_face: Path, tmp_path: Path
) -> None:
    font = tmp_path / "fonts" / small_face.name
    font.parent.mkdir()
    font.write_bytes(small_face.read_bytes())
    cache = tmp_path / "cache"
    first = prepare_all([font], cache)[0].flat
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a font package upgrade
    assert drawn_face(font, cache) == font, "the old copy is not drawn with"
    second = prepare_all([font], cache)[0].flat
    assert second is not None and second != first
    assert sorted(cache.iterdir()) == [second]


def test_a_face_extracted_into_the_cache_keeps_its_collection_key(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    face = cache / "NotoSansCJK-Regular-SC-0123456789ab.otf"
    assert flat_copy_path(face, cache) == cache / "NotoSansCJK-Regular-SC-0123456789ab-flat.otf"


def test_a_truetype_font_has_nothing_to_flatten(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    (done,) = prepare_all([ROBOTO], tmp_path / "cache")
    assert (done.flat, done.seconds) == (None, 0.0)
    assert drawn_face(ROBOTO, tmp_path / "cache") == ROBOTO
    assert not any(getattr(r, "event", "") == "font_not_flattened" for r in caplog.records)
    assert not (tmp_path / "cache").exists()


def test_a_damaged_font_is_refused_with_its_name_and_no_file_is_left(tmp_path: Path) -> None:
    broken = tmp_path / "Broken-Regular.otf"
    broken.write_bytes(b"OTTO" + bytes(60))
    with pytest.raises(ValueError, match=r"Broken-Regular\.otf"):
        flatten(broken, tmp_path / "cache" / "flat.otf")
    assert not (tmp_path / "cache").exists()


def test_two_weights_flattened_side_by_side_are_each_as_flattened_alone(
    small_face: Path, tmp_path: Path
) -> None:
    bold = tmp_path / "fonts" / "NotoSansSmall-Bold.otf"
    bold.parent.mkdir()
    bold.write_bytes(small_face.read_bytes())
    cache = tmp_path / "cache"
    regular_done, bold_done = prepare_all([small_face, bold], cache)
    assert regular_done.flat == flat_copy_path(small_face, cache)
    assert bold_done.flat == flat_copy_path(bold, cache)
    assert regular_done.seconds > 0 and bold_done.seconds > 0
    alone = tmp_path / "alone.otf"
    flatten(small_face, alone)
    expected = _outlines(TTFont(str(alone)))
    for done in (regular_done, bold_done):
        assert done.flat is not None
        assert _outlines(TTFont(str(done.flat))) == expected
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        p.name for p in (flat_copy_path(small_face, cache), flat_copy_path(bold, cache))
    ), "no partial file is left beside the copies"


def test_a_damaged_weight_beside_a_good_one_is_refused_with_its_name(
    small_face: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "Broken-Bold.otf"
    broken.write_bytes(b"OTTO" + bytes(60))
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=r"Broken-Bold\.otf"):
        prepare_all([small_face, broken], cache)
    assert [p.name for p in cache.iterdir()] == [flat_copy_path(small_face, cache).name], (
        "the good weight's copy is whole and kept; nothing of the damaged one"
    )
    (again,) = prepare_all([small_face], cache)
    assert again.seconds == 0.0, "the kept copy counts as prepared"


def _kiosk_config(tmp_path: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text('station = "s1"\nkiosk = "k1"\ndata_dir = "data"\n', encoding="utf-8")
    return config


def _prepare_fonts(config: Path, font: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianxin", "kiosk", "--config", str(config), "--prepare-fonts"],
        env={**os.environ, "LIANXIN_KIOSK_FONT": str(font)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_command_prepares_the_fonts_in_the_data_dir(
    small_face: Path, tmp_path: Path
) -> None:
    config = _kiosk_config(tmp_path)
    first = _prepare_fonts(config, small_face)
    assert first.returncode == 0, first.stderr
    (flat,) = (tmp_path / "data" / "cache" / "fonts").glob("*-flat.otf")
    assert str(flat) in first.stdout
    second = _prepare_fonts(config, small_face)
    assert second.returncode == 0 and "already prepared" in second.stdout


def test_the_deploy_command_names_a_font_it_cannot_read(tmp_path: Path) -> None:
    broken = tmp_path / "Broken-Regular.otf"
    broken.write_bytes(b"OTTO" + bytes(60))
    done = _prepare_fonts(_kiosk_config(tmp_path), broken)
    assert done.returncode == 2
    assert "cannot prepare the fonts" in done.stderr and "Broken-Regular.otf" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "data" / "cache" / "fonts").glob("*.otf"))


def test_without_tx_the_deploy_step_says_what_to_install_and_writes_nothing(
    small_face: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_package(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(font_flatten, "files", no_package)
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match=r"lianxin\[kiosk\].*cffsubr"):
        prepare_all([small_face], cache)
    assert not cache.exists()
