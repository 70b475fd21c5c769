from __future__ import annotations

from devices.dedupe import Deduplicator


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_same_credential_within_window_is_one_scan():
    clock = Clock()
    dedupe = Deduplicator(3.0, clock=clock)
    assert dedupe.is_new("A")
    clock.now += 2.9
    assert not dedupe.is_new("A")
    assert dedupe.is_new("B")
    clock.now += 0.2
    assert dedupe.is_new("A")


def test_card_held_in_the_field_is_one_scan_however_long():
    clock = Clock()
    dedupe = Deduplicator(3.0, hold_gap_s=0.5, clock=clock)
    assert dedupe.is_new("A")
    for _ in range(100):  # 15 s of frames every 150 ms
        clock.now += 0.15
        assert not dedupe.is_new("A")
    clock.now += 0.6  # taken away, brought back after the window
    assert dedupe.is_new("A")


def test_zero_window_passes_everything_without_hold():
    dedupe = Deduplicator(0.0, clock=Clock())
    assert dedupe.is_new("A") and dedupe.is_new("A")
