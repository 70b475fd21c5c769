"""Present cards on a simulated reader at a pace: the body of ``lianxin sim reader``."""

from __future__ import annotations

import itertools
import logging
import sys
import threading
from collections.abc import Iterator, Mapping

from devices.sim.cards import SyntheticCards
from devices.sim.registry import start_simulator

logger = logging.getLogger(__name__)


def run_simulation(
    driver: str,
    *,
    cards: list[str],
    options: Mapping[str, str | int | float | bool],
    interval_s: float,
    hold_s: float | None,
    seed: int | None,
    count: int | None,
    stop: threading.Event,
) -> int:
    """Print the pty path, then present cards until ``stop`` or ``count`` cards.

    Each card stays ``hold_s`` then is removed; the next comes ``interval_s``
    after the previous one. Returns the exit code.
    """
    try:
        sim = start_simulator(driver, options)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    hold = hold_s if hold_s is not None else min(1.0, interval_s / 2)
    print(sim.port_path, flush=True)
    try:
        for number, card in enumerate(_cards(driver, cards, seed), start=1):
            if stop.is_set() or (count is not None and number > count):
                break
            try:
                sim.present(card)
            except ValueError as exc:
                print(f"error: card {number}: {exc}", file=sys.stderr)
                return 2
            logger.info("presented card %d", number, extra={"event": "sim_present"})
            stop.wait(hold)
            sim.remove()
            stop.wait(max(0.0, interval_s - hold))
    finally:
        sim.close()
    return 0


def _cards(driver: str, cards: list[str], seed: int | None) -> Iterator[str]:
    if cards:
        yield from itertools.cycle(cards)
    synthetic = SyntheticCards(seed)
    while True:
        yield synthetic.for_driver(driver)
