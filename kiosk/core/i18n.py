"""One translation mechanism for every string on the kiosk: gettext.

Source strings (msgids) are English; translations live in
``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po``. The .po files are the only
source: at start they are compiled in memory to the GNU .mo format (a small
msgfmt, below) and loaded with :class:`gettext.GNUTranslations`, so a fresh
clone needs no build step and no compiled file can go stale.

Placeholders use ``str.format`` names: ``tr("Your {n}th visit", n=12)``.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import struct
from functools import cache
from pathlib import Path

from protocol.messages import Lang

LANGS: tuple[Lang, ...] = ("zh_CN", "en")
DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_ENTRY = re.compile(r'^(msgctxt|msgid|msgstr)\s+(".*")\s*$')
_CONTINUATION = re.compile(r'^(".*")\s*$')


class Translator:
    """Translates msgids into one language; switch with :meth:`set_lang`."""

    def __init__(self, lang: Lang = "zh_CN") -> None:
        self.lang: Lang = lang

    def set_lang(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, msgid: str, /, **params: object) -> str:
        text = catalogue(self.lang).gettext(msgid)
        return text.format(**params) if params else text


def tr(lang: Lang, msgid: str, /, **params: object) -> str:
    """``msgid`` in ``lang``, with ``params`` filled in."""
    text = catalogue(lang).gettext(msgid)
    return text.format(**params) if params else text


def labelled(lang: Lang, label: str, value: str) -> str:
    """``label: value`` with the colon Chinese text uses (full-width) or English's."""
    return f"{label}{'：' if lang == 'zh_CN' else ': '}{value}"


def N_(msgid: str) -> str:
    """Mark a constant for the catalogue; it is translated where it is shown."""
    return msgid


@cache
def catalogue(lang: Lang) -> gettext.NullTranslations:
    """The compiled catalogue for ``lang``; English falls back to the msgids."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    entries = parse_po(po.read_text(encoding="utf-8"))
    return gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po file (no plurals, no contexts: the kiosk needs neither).

    Fuzzy and empty translations are left out, as msgfmt does, so they fall
    back to the English msgid instead of showing an empty label.
    """
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key: str | None = None
    fuzzy = False

    def finish() -> None:
        msgid, msgstr = current.get("msgid"), current.get("msgstr")
        if msgid is not None and msgstr and not fuzzy:
            entries[msgid] = msgstr

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        starts_entry = line.startswith(("#", "msgctxt", "msgid "))
        if starts_entry and "msgstr" in current:
            finish()
            current, key, fuzzy = {}, None, False
        if line.startswith("#"):
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        match = _ENTRY.match(line)
        if match:
            key = match.group(1)
            current[key] = _unquote(match.group(2))
            continue
        match = _CONTINUATION.match(line)
        if match and key is not None:
            current[key] += _unquote(match.group(1))
            continue
        raise ValueError(f"cannot read .po line: {line!r}")
    finish()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """GNU .mo bytes for ``entries`` (what ``msgfmt`` writes, without a hash table)."""
    ids = sorted(entries)
    keys = [key.encode("utf-8") for key in ids]
    values = [entries[key].encode("utf-8") for key in ids]
    header_size = 7 * 4
    keys_start = header_size + 16 * len(ids)
    table_ids, table_strs = b"", b""
    offset = keys_start
    key_blob = b""
    for key in keys:
        table_ids += struct.pack("<2I", len(key), offset)
        key_blob += key + b"\0"
        offset += len(key) + 1
    value_blob = b""
    for value in values:
        table_strs += struct.pack("<2I", len(value), offset)
        value_blob += value + b"\0"
        offset += len(value) + 1
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(ids), header_size, header_size + 8 * len(ids), 0, 0
    )
    return header + table_ids + table_strs + key_blob + value_blob


def _unquote(quoted: str) -> str:
    value = ast.literal_eval(quoted)
    if not isinstance(value, str):
        raise ValueError(f"not a .po string: {quoted!r}")
    return value
