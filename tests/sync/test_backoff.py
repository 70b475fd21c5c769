"""Retry waits grow exponentially to a ceiling, and jitter spreads them."""

from __future__ import annotations

import random

from sync.backoff import retry_delay


def test_ceiling_doubles_with_each_failure_up_to_the_maximum() -> None:
    ceilings = [retry_delay(n, 0.5, 10.0, rand=lambda: 1.0) for n in range(1, 8)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_wait_is_never_below_half_the_ceiling() -> None:
    assert retry_delay(3, 0.5, 10.0, rand=lambda: 0.0) == 1.0


def test_jitter_spreads_hubs_that_failed_together() -> None:
    draw = random.Random(42).random
    waits = [retry_delay(4, 0.5, 60.0, rand=draw) for _ in range(200)]
    assert all(2.0 <= wait <= 4.0 for wait in waits)
    assert len({round(wait, 6) for wait in waits}) > 150


def test_a_very_long_outage_stays_at_the_maximum_without_overflow() -> None:
    assert retry_delay(10_000, 0.5, 300.0, rand=lambda: 1.0) == 300.0


def test_no_failure_means_no_wait() -> None:
    assert retry_delay(0, 0.5, 300.0) == 0.0
