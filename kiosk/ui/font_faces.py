"""The Simplified Chinese face of a font collection, as a font file of its own.

Kivy's SDL2 text provider opens face 0 of any file it is given. Face 0 of
the pan-CJK collections (``NotoSansCJK-Regular.ttc``, Source Han Sans) is
the Japanese one, so characters shared by both scripts (直, 骨, 今, 这)
would be drawn in their Japanese forms. :func:`simplified_chinese_face`
copies the face named "… SC" out of the collection once into a cache
directory and returns that file; later starts reuse it.

Pure Python (``struct``, no fontTools): a face of a collection is a table
directory pointing into the shared file, so the copy is a new directory and
the tables' bytes, streamed. Their checksums come from the collection's
directory, so nothing reads 16 MB of outlines to sum them: the first start
costs a file copy (~0.1 s per weight), and the kiosk process imports nothing
new.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

# Family names of the Simplified Chinese faces in the collections we look for.
SC_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC")
COLLECTION_TAG = b"ttcf"
_FAMILY, _TYPOGRAPHIC_FAMILY = 1, 16
_HEAD_ADJUSTMENT = slice(8, 12)  # head.checkSumAdjustment
_CHECKSUM_MAGIC = 0xB1B0AFBA
_COPY_CHUNK = 1 << 20


class FontFileError(ValueError):
    """The file is not a font collection this module can read."""


@dataclass(frozen=True)
class Table:
    tag: bytes
    checksum: int
    offset: int
    length: int


@dataclass(frozen=True)
class Face:
    """One face of a collection: its sfnt version, tables (file offsets) and family name."""

    index: int
    sfnt_version: bytes
    tables: tuple[Table, ...]
    family: str


def simplified_chinese_face(font: Path, cache_dir: Path) -> Path:
    """``font`` itself unless it is a collection with an SC face; then that face's cached file.

    The cached file's name carries a digest of the collection's path, size and
    mtime, so a font package upgrade extracts again (and removes the old copy).
    When the copy cannot be made (unreadable collection, full or read-only
    disk) this logs a warning and returns ``font``: Japanese glyph forms are
    better than no kiosk.
    """
    try:
        with font.open("rb") as source:
            if source.read(4) != COLLECTION_TAG:
                return font
            faces = read_faces(source)
            face = next((f for name in SC_FAMILIES for f in faces if f.family == name), None)
            if face is None:
                log.info(
                    "font collection has no Simplified Chinese face; using its first",
                    extra={"event": "font_no_sc_face", "font": str(font)},
                )
                return font
            target = cache_dir / f"{font.stem}-SC-{source_digest(font)}.otf"
            if target.is_file():
                return target
            cache_dir.mkdir(parents=True, exist_ok=True)
            _write_face(source, face, target)
    except (OSError, FontFileError) as exc:
        log.warning(
            "could not extract the Simplified Chinese face; Chinese will show Japanese forms: %s",
            exc,
            extra={"event": "font_extract_failed", "font": str(font)},
        )
        return font
    _remove_stale(cache_dir, f"{font.stem}-SC-", keep=target)
    log.info(
        "extracted the Simplified Chinese face",
        extra={"event": "font_extracted", "font": str(font), "face": face.index},
    )
    return target


def source_digest(font: Path) -> str:
    """A short digest of the path, size and mtime of ``font``: copies made from it carry it.

    A font package upgrade changes it, so a cache never serves a copy of the
    old file; the same file on another kiosk's data directory keeps it, so a
    prepared cache can be copied to another kiosk of the same image.
    """
    stat = font.stat()
    key = f"{font.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()
    return hashlib.sha256(key).hexdigest()[:12]


@contextmanager
def written_atomically(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target`` through: it appears whole (fsynced, renamed) or not at all."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with partial.open("wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def read_faces(source: BinaryIO) -> list[Face]:
    """Every face of the collection open in ``source`` (which starts with ``ttcf``)."""
    _major, _minor, count = struct.unpack(">HHI", _read_at(source, 4, 8))
    if not 0 < count <= 256:
        raise FontFileError(f"font collection claims {count} faces")
    offsets = struct.unpack(f">{count}I", _read_at(source, 12, 4 * count))
    faces = []
    for index, offset in enumerate(offsets):
        version, n_tables = struct.unpack(">4sH", _read_at(source, offset, 6))
        raw = _read_at(source, offset + 12, 16 * n_tables)
        tables = tuple(Table(*struct.unpack_from(">4sIII", raw, 16 * i)) for i in range(n_tables))
        faces.append(Face(index, version, tables, _family(source, tables)))
    return faces


def _family(source: BinaryIO, tables: Iterable[Table]) -> str:
    """The English family name from the face's ``name`` table (typographic name first)."""
    name = next((t for t in tables if t.tag == b"name"), None)
    if name is None:
        raise FontFileError("a face of the collection has no name table")
    data = _read_at(source, name.offset, name.length)
    _format, count, strings = struct.unpack_from(">HHH", data)
    found: dict[int, str] = {}
    for i in range(count):
        platform, encoding, language, name_id, length, offset = struct.unpack_from(
            ">6H", data, 6 + 12 * i
        )
        if name_id not in (_FAMILY, _TYPOGRAPHIC_FAMILY) or name_id in found:
            continue
        raw = data[strings + offset : strings + offset + length]
        if platform == 3 and encoding in (1, 10) and language == 0x409:
            found[name_id] = raw.decode("utf-16-be", errors="replace")
        elif platform == 1 and encoding == 0 and language == 0:
            found[name_id] = raw.decode("mac_roman")
    return found.get(_TYPOGRAPHIC_FAMILY) or found.get(_FAMILY, "")


def _write_face(source: BinaryIO, face: Face, target: Path) -> None:
    """Write ``face`` as a standalone OpenType file, atomically (temp file, then rename)."""
    # A DSIG would sign the collection, not this file: leave it out.
    tables = sorted((t for t in face.tables if t.tag != b"DSIG"), key=lambda t: t.offset)
    n = len(tables)
    power = 1 << (n.bit_length() - 1)
    header = struct.pack(
        ">4sHHHH", face.sfnt_version, n, 16 * power, power.bit_length() - 1, 16 * (n - power)
    )
    head = next((t for t in tables if t.tag == b"head"), None)
    if head is None:
        raise FontFileError(f"face {face.index} has no head table")
    head_data = bytearray(_read_at(source, head.offset, head.length))
    head_data[_HEAD_ADJUSTMENT] = bytes(4)
    head_sum = _checksum(bytes(head_data))
    position = len(header) + 16 * n
    entries, placed = [], []
    for table in tables:
        checksum = head_sum if table is head else table.checksum
        entries.append((table, checksum, position))
        placed.append(struct.pack(">4sIII", table.tag, checksum, position, table.length))
        position += (table.length + 3) & ~3
    directory = header + b"".join(sorted(placed))
    # The file's checksum is the sum of its header's and its tables' checksums
    # (every table starts on a 4-byte boundary and is padded with zeros).
    total = (_checksum(directory) + sum(checksum for _, checksum, _ in entries)) & 0xFFFFFFFF
    head_data[_HEAD_ADJUSTMENT] = struct.pack(">I", (_CHECKSUM_MAGIC - total) & 0xFFFFFFFF)
    with written_atomically(target) as out:
        out.write(directory)
        for table, _, at in entries:
            if out.tell() != at:
                raise FontFileError(f"table {table.tag!r} would land at {out.tell()}, not {at}")
            if table is head:
                out.write(head_data)
            else:
                _copy(source, table.offset, table.length, out)
            out.write(bytes(-table.length % 4))


def _remove_stale(cache_dir: Path, prefix: str, keep: Path) -> None:
    """Copies made from an earlier version of the same collection, flat ones too: 16-18 MB each."""
    for old in cache_dir.glob(f"{prefix}*.otf"):
        if old != keep:
            old.unlink(missing_ok=True)


def _checksum(data: bytes) -> int:
    padded = data + bytes(-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _read_at(source: BinaryIO, offset: int, length: int) -> bytes:
    source.seek(offset)
    data = source.read(length)
    if len(data) != length:
        raise FontFileError(f"font file ends before byte {offset + length}")
    return data


def _copy(source: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    source.seek(offset)
    left = length
    while left:
        chunk = source.read(min(left, _COPY_CHUNK))
        if not chunk:
            raise FontFileError(f"font file ends inside a table at byte {offset + length - left}")
        out.write(chunk)
        left -= len(chunk)
