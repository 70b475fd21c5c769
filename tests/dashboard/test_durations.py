"""Durations on the fleet page: whatever a kiosk's status says, a short cell and never a 500."""

from __future__ import annotations

import math

import pytest

from hub.dashboard.i18n import duration


@pytest.mark.parametrize("seconds", [math.inf, -math.inf, math.nan])
def test_a_duration_that_is_not_finite_is_a_dash(seconds: float) -> None:
    assert duration(seconds, "zh_CN") == "—"
    assert duration(seconds, "en") == "—"


def test_a_huge_duration_stays_short() -> None:
    assert duration(1e300, "en") == ">9999 d"
    assert duration(10 * 86400 + 3600, "en") == "10 d 1 h"
