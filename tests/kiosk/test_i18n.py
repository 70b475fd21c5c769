"""The one catalogue: .po parsed, compiled to .mo in memory, loaded by gettext."""

from __future__ import annotations

import gettext
import io

from kiosk.core.i18n import LOCALE_DIR, compile_mo, parse_po, tr
from kiosk.core.i18n_extract import msgids


def test_compiled_catalogue_round_trips_through_gettext() -> None:
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", "Book a room": "预约场地"}
    translations = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    assert translations.gettext("Book a room") == "预约场地"
    assert translations.gettext("missing") == "missing"


def test_fuzzy_and_empty_entries_fall_back_to_english() -> None:
    text = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Back"\nmsgstr "后退"\n\nmsgid "Done"\nmsgstr ""\n\n'
        'msgid "Long"\nmsgstr ""\n"长"\n"文"\n'
    )
    entries = parse_po(text)
    assert "Back" not in entries and "Done" not in entries
    assert entries["Long"] == "长文"


def test_placeholders_are_filled_in_both_languages() -> None:
    assert (
        tr("en", "This is your {nth} visit this year", nth="12th")
        == "This is your 12th visit this year"
    )
    assert tr("zh_CN", "This is your {nth} visit this year", nth=12) == "这是您今年第 12 次到访"


def test_every_ui_string_has_a_chinese_translation() -> None:
    po = parse_po((LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kiosk.po").read_text("utf-8"))
    used = msgids()
    assert len(used) > 50
    missing = sorted(used - set(po))
    assert missing == []


def test_catalogue_has_no_unused_entries() -> None:
    po = parse_po((LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "kiosk.po").read_text("utf-8"))
    unused = sorted(set(po) - msgids() - {""})
    assert unused == []
