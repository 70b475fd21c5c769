"""Every text a template asks for exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from hub.dashboard.catalogue import MESSAGES

ROOT = Path(__file__).resolve().parents[2] / "hub" / "dashboard"
STATIC_KEY = re.compile(r"""\bt\(\s*["']([a-z_.0-9]+)["']\s*\)""")
DYNAMIC_PREFIX = re.compile(r"""\bt\(\s*["']([a-z_.]+\.)["']\s*[~+]""")


def _sources() -> str:
    files = [*ROOT.glob("templates/*.html"), *ROOT.glob("routes/*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def test_every_static_key_has_chinese_and_english() -> None:
    keys = set(STATIC_KEY.findall(_sources()))
    assert keys, "no keys found: the pattern is wrong"
    missing = sorted(keys - MESSAGES.keys())
    assert missing == []
    assert all(zh and en for zh, en in MESSAGES.values())


def test_every_dynamic_prefix_has_entries() -> None:
    for prefix in set(DYNAMIC_PREFIX.findall(_sources())):
        assert any(key.startswith(prefix) for key in MESSAGES), prefix


def test_reply_states_used_on_pages_are_all_translated() -> None:
    for key in ("booking.confirmed", "booking.checked_in", "booking.cancelled", "booking.released"):
        assert key in MESSAGES
    for state in ("submitted", "accepted", "done", "declined"):
        assert f"service.{state}" in MESSAGES
    for reader in ("ok", "missing", "error", "none"):
        assert f"reader.{reader}" in MESSAGES
