"""A bench ratio printed to three decimals meets its target only when the measured one does."""

from __future__ import annotations

import pytest

from bench.stack import ratio_at_least, ratio_at_most


@pytest.mark.parametrize(
    ("measured", "printed"),
    [(0.49958, 0.499), (0.5, 0.5), (0.5261, 0.526), (0.3, 0.3)],
)
def test_a_floor_target_ratio_rounds_down(measured: float, printed: float) -> None:
    assert ratio_at_least(measured) == printed


@pytest.mark.parametrize(
    ("measured", "printed"),
    [(2.0004, 2.001), (2.0, 2.0), (1.9721, 1.973), (1.973, 1.973)],
)
def test_a_ceiling_target_ratio_rounds_up(measured: float, printed: float) -> None:
    assert ratio_at_most(measured) == printed


def test_rounding_never_crosses_the_target() -> None:
    """Just under ½ of the fan-in never prints as ½; just over 2× never as 2×."""
    assert ratio_at_least(0.5 - 1e-9) < 0.5
    assert ratio_at_most(2.0 + 1e-9) > 2.0
