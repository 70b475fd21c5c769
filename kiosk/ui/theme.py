"""Sizes and colours: readable from a step away, finger-sized targets.

Sizes are in pixels of a 1280x800 screen and scale with the window, so
the same layout fits a 7" 800x480 panel; a portrait panel scales against
the same screen turned (800x1280) and its screens stack what a landscape
one puts side by side. Large-text mode multiplies text by ``LARGE``.
Colours: Party red on a warm white, contrast above 7:1 for text.
"""

from __future__ import annotations

from dataclasses import dataclass

RGBA = tuple[float, float, float, float]

RED: RGBA = (0.69, 0.09, 0.10, 1)
RED_DARK: RGBA = (0.52, 0.05, 0.06, 1)
GOLD: RGBA = (0.98, 0.82, 0.40, 1)
PAPER: RGBA = (1.0, 0.98, 0.95, 1)
CARD: RGBA = (1, 1, 1, 1)
INK: RGBA = (0.13, 0.13, 0.13, 1)
MUTED: RGBA = (0.36, 0.36, 0.36, 1)
LINE: RGBA = (0.85, 0.82, 0.78, 1)
GREEN: RGBA = (0.10, 0.45, 0.20, 1)
AMBER: RGBA = (0.62, 0.38, 0.0, 1)
GREY_BUTTON: RGBA = (0.90, 0.88, 0.85, 1)
WHITE: RGBA = (1, 1, 1, 1)
FOCUS: RGBA = (1.0, 0.93, 0.72, 1)  # the field the on-screen keys type into
LARGE = 1.3
# Every text size on screen (at 1280x800): those the screens use, and two
# more for large text. Kivy's SDL2 text provider opens the font file once per
# pixel size and weight and keeps up to 64 such faces; a face of the pan-CJK
# Noto font holds ~2.5 MB of its tables (0.75 MB once --prepare-fonts has
# inlined its subroutines, kiosk/ui/font_flatten.py). Large text used to
# scale each size by 1.3 into a second set of sizes, so a kiosk that had
# shown every screen held 29 faces (~72 MB); it now takes the nearest size of
# this set (20 faces).
TEXT_SIZES = (20, 22, 24, 26, 28, 30, 32, 34, 36, 40, 48, 52, 64)


@dataclass
class Metrics:
    """Pixel sizes for the current window and text mode; rebuilt on resize or toggle."""

    unit: float = 1.0  # window scale against 1280x800, or 800x1280 in portrait
    text: float = 1.0  # LARGE in large-text mode
    portrait: bool = False  # taller than wide: screens stack their columns

    def font(self, size: float) -> float:
        """The ``TEXT_SIZES`` entry nearest ``size`` in this text mode, scaled to the window."""
        wanted = size * self.text
        nearest = min(TEXT_SIZES, key=lambda step: (abs(step - wanted), -step))  # ties: larger
        return round(nearest * self.unit)

    def steps_down(self, size: float, floor: float) -> list[float]:
        """``font(size)`` then each smaller size of the set down to ``floor``, largest first.

        The sizes a text may step down through to fit a short window; ``floor``
        is a size of the set before scaling, whatever the text mode.
        """
        top = min(TEXT_SIZES, key=lambda step: (abs(step - size * self.text), -step))
        steps = [step for step in sorted(TEXT_SIZES, reverse=True) if floor <= step <= top]
        return [round(step * self.unit) for step in steps]

    def px(self, size: float) -> float:
        """A layout size (padding, spacing, target height) that grows with text."""
        return round(size * self.unit * (1 + (self.text - 1) * 0.7))

    @property
    def target(self) -> float:
        """Minimum height of anything a finger must hit (about 15 mm on a 15" panel)."""
        return max(56.0, self.px(76))


def unit_for(width: int, height: int) -> float:
    """The window's scale against the 1280x800 reference, turned for a portrait window.

    The long side is measured against 1280 and the short side against 800,
    whichever way up the panel stands: an 800x1280 portrait panel draws at
    1.0 like a 1280x800 landscape one, and a 1080x1920 one like 1920x1080.
    Text and finger targets are then as large on a panel turned on its side
    as on the same panel upright, and a portrait kiosk uses the same pixel
    text sizes (so the same font faces) as a landscape one of its size. A
    landscape window (width >= height) gets exactly the scale it always had.
    Small panels get relatively larger text than a straight scale would give.
    """
    scale = min(max(width, height) / 1280, min(width, height) / 800)
    return scale if scale >= 1 else scale**0.75


def is_portrait(width: int, height: int) -> bool:
    """A window taller than wide gets the portrait layout; a square one stays landscape."""
    return height > width
