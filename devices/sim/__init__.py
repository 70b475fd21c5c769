"""Simulated readers on real pseudo-terminals, for tests and the demo.

A simulator writes the same bytes a device would into a pty master; the
driver opens the slave path exactly as it would open ``/dev/ttyUSB0``.
"""

from devices.sim.pty import PtySimulator
from devices.sim.registry import SIMULATED_DRIVERS, start_simulator

__all__ = ["SIMULATED_DRIVERS", "PtySimulator", "start_simulator"]
