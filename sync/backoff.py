"""How long to wait before calling central again after a failure.

Exponential with "equal jitter": the ceiling doubles with each failure in
a row, from ``min_s`` up to ``max_s``, and the wait is drawn between half
the ceiling and the ceiling. Many hubs coming back after the same outage
thus spread out instead of hitting central in lock step, and no wait is
ever (nearly) zero.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_MAX_DOUBLINGS = 62  # beyond this the ceiling is max_s anyway; avoids float overflow


def retry_delay(
    failures: int, min_s: float, max_s: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after ``failures`` (>= 1) failed calls in a row.

    ``rand`` returns a float in [0, 1); tests pass a fixed one.
    """
    if failures < 1:
        return 0.0
    ceiling = min(max_s, min_s * 2.0 ** min(failures - 1, _MAX_DOUBLINGS))
    return ceiling / 2 + rand() * ceiling / 2
