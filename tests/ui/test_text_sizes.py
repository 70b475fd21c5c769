"""Text sizes come from one short list, so the kiosk opens few font faces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.theme import LARGE, TEXT_SIZES, Metrics

NORMAL, BIG = Metrics(), Metrics(text=LARGE)


def test_normal_text_keeps_the_sizes_the_screens_ask_for() -> None:
    assert all(NORMAL.font(size) == size for size in TEXT_SIZES)


def test_large_text_reuses_the_same_sizes_about_a_third_larger() -> None:
    for size in TEXT_SIZES:
        if size * LARGE > max(TEXT_SIZES):
            continue
        large = BIG.font(size)
        assert large in TEXT_SIZES
        assert 1.2 <= large / size <= 1.45, (size, large)


@given(st.floats(min_value=8, max_value=80), st.sampled_from([1.0, LARGE]))
def test_any_requested_size_lands_on_the_list(size: float, text: float) -> None:
    assert Metrics(text=text).font(size) in TEXT_SIZES


def test_a_small_panel_scales_the_list_down() -> None:
    panel = Metrics(unit=0.7)
    assert {panel.font(size) for size in TEXT_SIZES} == {round(0.7 * s) for s in TEXT_SIZES}


def test_a_text_steps_down_through_the_same_sizes_from_its_own() -> None:
    for metrics in (NORMAL, BIG, Metrics(unit=0.7, text=LARGE)):
        steps = metrics.steps_down(48, floor=30)
        assert steps[0] == metrics.font(48)
        assert steps == sorted(steps, reverse=True)
        assert steps[-1] == round(30 * metrics.unit)
        assert set(steps) <= {round(size * metrics.unit) for size in TEXT_SIZES}
