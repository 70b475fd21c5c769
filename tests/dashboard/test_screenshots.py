"""The screenshot tool renders every page in both languages at both widths."""

from __future__ import annotations

from pathlib import Path

from hub.dashboard.screenshots import WIDTHS, main, pages


def test_screenshots_of_every_page_in_both_languages(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    from datetime import UTC, datetime  # noqa: PLC0415

    names = ["login", *(name for name, _ in pages(datetime.now(UTC)))]
    for lang in ("zh_CN", "en"):
        for width in WIDTHS:
            for name in names:
                shot = tmp_path / f"{name}-{lang}-{width}.png"
                assert shot.stat().st_size > 5000, shot
