"""The per-kiosk token bucket: bursts pass, floods are cut, kiosks are apart."""

from __future__ import annotations

from hub.rate_limit import KioskRateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_steady_rate_and_kiosks_do_not_share_a_bucket() -> None:
    clock = FakeClock()
    limiter = KioskRateLimiter(rate=10, burst=5, clock=clock)
    assert [limiter.allow("st01", "k1") for _ in range(6)] == [True] * 5 + [False]
    assert limiter.allow("st01", "k2")  # the flooding kiosk did not use k2's tokens
    clock.now = 0.5  # half a second refills five tokens, no more than the burst
    assert [limiter.allow("st01", "k1") for _ in range(6)] == [True] * 5 + [False]
    clock.now = 100.0
    assert sum(limiter.allow("st01", "k1") for _ in range(100)) == 5
