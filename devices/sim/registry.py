"""Which simulator plays which driver."""

from __future__ import annotations

from collections.abc import Mapping

from devices import em4100
from devices.sim.emitting import EmittingSim
from devices.sim.idcard import IdCardSim
from devices.sim.pty import PtySimulator

SIMULATED_DRIVERS = ("idcard", "em4100")


def start_simulator(
    driver: str, options: Mapping[str, str | int | float | bool] | None = None
) -> PtySimulator:
    """Start a pty simulator for ``driver``; the caller must ``close`` it."""
    opts = dict(options or {})
    if driver == "idcard":
        return IdCardSim()
    if driver == "em4100":
        return EmittingSim(_em4100_frame, repeat_s=float(opts.get("repeat_s", 0.15)))
    raise ValueError(f"no simulator for driver {driver!r}; have {', '.join(SIMULATED_DRIVERS)}")


def _em4100_frame(card: str) -> bytes:
    try:
        data = bytes.fromhex(card)
    except ValueError:
        raise ValueError(f"EM4100 card must be 10 hex digits, got {card!r}") from None
    if len(data) != 5:
        raise ValueError(f"EM4100 card must be 10 hex digits, got {card!r}")
    return em4100.encode_frame(data)
