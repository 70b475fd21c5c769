"""The kiosk draws Chinese with the Simplified Chinese face, not face 0 (Japanese) of a .ttc.

fontTools is the independent reader here: it checks the file the kiosk
extracts (names, checksums, glyphs) and writes the reference SC face that
Kivy's own text provider draws next to the kiosk's font.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.sfnt import calcChecksum

from kiosk.ui.font_faces import simplified_chinese_face
from kiosk.ui.fonts import KioskFonts, bold_variant, find_cjk_font, kiosk_fonts
from tests.ui.kivy_process import DRAW, run_kivy

# Same code point, different glyph in the JP and SC faces of Noto Sans CJK.
SHARED = "直骨今次刃角"
SC, JP = "Noto Sans CJK SC", "Noto Sans CJK JP"


@pytest.fixture
def collection() -> Path:
    font = find_cjk_font()
    assert font.name == "NotoSansCJK-Regular.ttc", f"tests expect fonts-noto-cjk, found {font}"
    return font


@pytest.fixture
def fonts(tmp_path: Path, collection: Path) -> KioskFonts:
    return kiosk_fonts(tmp_path / "cache", override=str(collection))


def _face(collection: Path, family: str) -> TTFont:
    faces = TTCollection(str(collection), lazy=True).fonts
    return next(f for f in faces if f["name"].getDebugName(1) == family)


def _outline(font: TTFont, char: str) -> list[tuple[str, tuple[object, ...]]]:
    pen = RecordingPen()
    font.getGlyphSet()[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.value


def test_the_kiosk_fonts_are_the_simplified_chinese_faces(fonts: KioskFonts) -> None:
    for path, style in ((fonts.regular, "Regular"), (fonts.bold, "Bold")):
        assert path.suffix == ".otf", path
        font = TTFont(str(path), checkChecksums=2)  # a wrong table checksum raises
        for tag in font.reader.tables:
            font.reader[tag]
        assert font["name"].getDebugName(1) == SC
        assert font["name"].getDebugName(2) == style
        assert calcChecksum(path.read_bytes()) == 0xB1B0AFBA  # head.checkSumAdjustment


def test_shared_characters_have_the_simplified_chinese_outlines(
    fonts: KioskFonts, collection: Path
) -> None:
    for kiosk, source in ((fonts.regular, collection), (fonts.bold, bold_variant(collection))):
        ours, sc, jp = TTFont(str(kiosk), lazy=True), _face(source, SC), _face(source, JP)
        for char in SHARED:
            assert _outline(ours, char) == _outline(sc, char), char
            assert _outline(ours, char) != _outline(jp, char), char


def test_the_extracted_face_is_reused_until_the_collection_changes(
    tmp_path: Path, collection: Path
) -> None:
    copy = tmp_path / "fonts" / collection.name
    copy.parent.mkdir()
    copy.write_bytes(collection.read_bytes())
    cache = tmp_path / "cache"
    first = simplified_chinese_face(copy, cache)
    assert first.parent == cache
    made = first.stat().st_mtime_ns
    assert simplified_chinese_face(copy, cache) == first
    assert first.stat().st_mtime_ns == made
    os.utime(copy, ns=(made, made + 10**9))  # a font package upgrade
    second = simplified_chinese_face(copy, cache)
    assert second != first and second.is_file()
    assert list(cache.glob("*.otf")) == [second], "the old copy is removed"


def test_a_failed_extraction_falls_back_to_the_collection(
    tmp_path: Path, collection: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache directory should be", encoding="utf-8")
    assert simplified_chinese_face(collection, cache) == collection
    assert any(r.levelname == "WARNING" and "Japanese" in r.message for r in caplog.records)


def test_a_truncated_collection_falls_back_with_a_warning(
    tmp_path: Path, collection: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / collection.name
    broken.write_bytes(collection.read_bytes()[:4096])
    assert simplified_chinese_face(broken, tmp_path / "cache") == broken
    assert any("ends" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


def test_a_single_face_font_is_used_as_it_is(tmp_path: Path, fonts: KioskFonts) -> None:
    assert simplified_chinese_face(fonts.regular, tmp_path / "other") == fonts.regular
    assert not (tmp_path / "other").exists()


RENDER = DRAW + textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from kivy.core.text import DEFAULT_FONT
    from kiosk.ui.fonts import kiosk_fonts
    from kiosk.ui.kivy_setup import load_styles

    cache, text = Path(sys.argv[1]), sys.argv[2]
    load_styles(kiosk_fonts(cache))  # what the kiosk does: its fonts become Kivy's default

    print(json.dumps({
        name: [draw(font, 64, text), draw(bold or font, 64, text, bold=True)]
        for name, font, bold in (
            ("kiosk", DEFAULT_FONT, None),
            ("sc", sys.argv[3], sys.argv[4]),
            ("jp", sys.argv[5], sys.argv[6]),
        )
    }))
    """
)


def test_kivy_draws_shared_characters_like_the_sc_face_not_the_jp_one(
    tmp_path: Path, collection: Path
) -> None:
    """Kivy's SDL2 provider (face 0 of any file) against reference faces that fontTools wrote."""
    sc_regular, sc_bold = tmp_path / "sc-regular.otf", tmp_path / "sc-bold.otf"
    _face(collection, SC).save(str(sc_regular))
    _face(bold_variant(collection), SC).save(str(sc_bold))
    assert TTCollection(str(collection), lazy=True).fonts[0]["name"].getDebugName(1) == JP
    done = run_kivy(
        RENDER,
        str(tmp_path / "cache"),
        SHARED,
        str(sc_regular),
        str(sc_bold),
        str(collection),  # face 0: what Kivy drew before
        str(bold_variant(collection)),
        kivy_home=tmp_path / "kivy",
        env={"LIANXIN_KIOSK_FONT": str(collection)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    drawn = json.loads(done.stdout.strip().splitlines()[-1])
    assert drawn["kiosk"] == drawn["sc"]
    for ours, jp in zip(drawn["kiosk"], drawn["jp"], strict=True):
        assert ours != jp
