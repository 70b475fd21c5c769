"""Entry points the command line calls: the real kiosk UI, and screenshots.

``lianxin kiosk --config kiosk.toml`` -> :func:`run_kiosk_ui`;
``lianxin kiosk --config kiosk.toml --prepare-fonts`` -> :func:`prepare_fonts`;
``lianxin kiosk --screenshots DIR [--size WxH]`` -> :func:`render_screenshots`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from config.lifecycle import freeze_startup_heap
from config.loader import resolve_path
from config.settings import KioskSettings
from kiosk.ui.fonts import FontNotFoundError, default_cache_dir, prepare_kiosk_fonts
from kiosk.ui.kivy_setup import parse_size, prepare

log = logging.getLogger(__name__)
WINDOW_ENV = "LIANXIN_KIOSK_WINDOW"  # "WxH" for a window instead of full screen (tests)
FONT_CACHE = "cache/fonts"  # in data_dir: faces taken out of a collection, flat copies


def prepare_fonts(settings: KioskSettings, config_path: Path) -> int:
    """Deploy step: the SC faces and their flat copies into the kiosk's font cache; 0 when done."""
    font_cache = resolve_path(config_path, settings.data_dir) / FONT_CACHE
    try:
        prepared = prepare_kiosk_fonts(font_cache)
    except (FontNotFoundError, OSError, ValueError) as exc:
        print(f"lianxin kiosk: cannot prepare the fonts: {exc}", file=sys.stderr)
        return 2
    for done in prepared:
        if done.flat is None:
            print(f"{done.face}: no CFF outlines, nothing to flatten")
        elif done.seconds:
            print(f"{done.face} -> {done.flat} ({done.seconds:.1f} s)")
        else:
            print(f"{done.flat}: already prepared")
    return 0


def run_kiosk_ui(settings: KioskSettings, config_path: Path) -> int:
    """Run the touchscreen kiosk until staff exit it; 0 on a clean exit, 2 on a setup error."""
    import os  # noqa: PLC0415

    window = os.environ.get(WINDOW_ENV)
    font_cache = resolve_path(config_path, settings.data_dir) / FONT_CACHE
    try:
        font = prepare(
            parse_size(window) if window else None, font_cache=font_cache, fullscreen=not window
        )
    except (FontNotFoundError, ValueError) as exc:
        print(f"lianxin kiosk: {exc}", file=sys.stderr)
        return 2
    from kiosk.ui.control import start_control  # noqa: PLC0415 - after Kivy's config
    from kiosk.ui.kivy_app import KioskApp  # noqa: PLC0415
    from kiosk.ui.kivy_setup import load_styles  # noqa: PLC0415
    from kiosk.ui.wiring import build_core  # noqa: PLC0415

    load_styles(font)
    holder: list[KioskApp] = []
    core = build_core(settings, config_path, exit_app=lambda: holder[0].stop())  # noqa: PLW0108 - the app exists later
    wedge = core.push_key
    app = KioskApp(
        core.session,
        push_key=wedge.push_key if wedge is not None else None,
        on_started=lambda running: start_control(running.root_widget),
    )
    holder.append(app)
    freeze_startup_heap()
    core.start()
    log.info(
        "kiosk UI started",
        extra={"event": "ui_started", "station": settings.station, "kiosk": settings.kiosk},
    )
    try:
        app.run()
    finally:
        core.stop()
    return 0


def render_screenshots(out_dir: Path, size: str) -> int:
    """Render every screen and state in both languages to ``out_dir``; 0 when all were written."""
    try:
        dimensions = parse_size(size)
        font = prepare(dimensions, font_cache=default_cache_dir())
    except (FontNotFoundError, ValueError) as exc:
        print(f"lianxin kiosk: {exc}", file=sys.stderr)
        return 2
    from kiosk.ui.kivy_setup import load_styles  # noqa: PLC0415
    from kiosk.ui.shots import ScreenshotRun  # noqa: PLC0415

    load_styles(font)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = ScreenshotRun(out_dir)
    written = run.run()
    print(f"lianxin kiosk: {len(written)} screenshots in {out_dir}")
    return 0 if written else 1
