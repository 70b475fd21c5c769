"""What each text size the kiosk draws costs in memory, with a given pair of font files.

    .venv/bin/python bench/font_memory.py REGULAR.otf BOLD.otf

Kivy's SDL2 text provider opens one FreeType face per font, size and weight
(kiosk/ui/theme.py TEXT_SIZES). This draws one short line at every size in
both weights with Kivy's core text (no window, so no GL memory in the
figure) and prints the resident memory that took, per face, as one JSON line.
bench/kiosk_greeting.py runs it on the extracted SC faces and their flat
copies (kiosk/ui/font_flatten.py).
"""

from __future__ import annotations

import gc
import json
import os
import sys

LINE = "连心驿站 欢迎 Check-in 0123"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    regular, bold = sys.argv[1], sys.argv[2]
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.core.text import Label as CoreLabel  # noqa: PLC0415 - after the environment

    from kiosk.ui.theme import TEXT_SIZES  # noqa: PLC0415

    def draw(font: str, size: int) -> None:
        label = CoreLabel(text=LINE, font_name=font, font_size=size)
        label._size = label.get_extents(LINE)
        label._render_begin()
        label._render_text(LINE, 0, 0)
        label._render_end()

    draw(regular, 15)  # the text provider and SDL_ttf loaded: not part of the figure
    gc.collect()
    before = _rss_mb()
    faces = 0
    for font in (regular, bold):
        for size in TEXT_SIZES:
            draw(font, size)
            faces += 1
    gc.collect()
    grown = _rss_mb() - before
    print(
        json.dumps(
            {"faces": faces, "rss_mb": round(grown, 1), "mb_per_face": round(grown / faces, 2)}
        )
    )


if __name__ == "__main__":
    main()
