"""What the benchmarks share: a tuned hub, the limits' MQTT client, percentiles, memory.

The hub is the one ``LocalNetwork`` starts (same process, same config file),
restarted once with extra top-level settings when a benchmark needs them
(the per-kiosk rate limit, which a one-kiosk replay would otherwise hit).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from lianxin.network import LocalNetwork
from lianxin.processes import RoleProcess
from protocol.lean_paho import LeanClient

# Decimals of a ratio to its limit: two would print 0.496 of the fan-in as
# 0.50, a target met, and a swipe at 2.004× its limit as 2.00.
RATIO_PLACES = 3


def ratio_at_most(value: float) -> float:
    """A ratio whose target is a ceiling (the swipe's ≤ 2×), rounded up to ``RATIO_PLACES``.

    Rounded away from the target, a printed ratio meets it only when the
    measured one does: 2.0004 prints as 2.001, not 2.000.
    """
    scale = 10**RATIO_PLACES
    return math.ceil(value * scale) / scale


def ratio_at_least(value: float) -> float:
    """A ratio whose target is a floor (ingest's ≥ ½), rounded down: 0.4996 prints as 0.499."""
    scale = 10**RATIO_PLACES
    return math.floor(value * scale) / scale


def start_hub(
    network: LocalNetwork, *, kiosk_rate_per_s: float | None = None, stations: int = 10
) -> RoleProcess:
    """Start the network's hub; with ``kiosk_rate_per_s``, that limit instead of the default."""
    hub = network.start_hub(stations=stations)
    if kiosk_rate_per_s is None:
        return hub
    hub.terminate()
    config = network.run_dir / "hub.toml"
    # Top-level keys must come before the first [table]: the file starts with them.
    config.write_text(
        f"kiosk_rate_per_s = {kiosk_rate_per_s}\nkiosk_burst = {max(1000, int(kiosk_rate_per_s))}\n"
        + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    hub.start()
    network.wait_hub_healthy()
    return hub


def bare_client(client_id: str) -> LeanClient:
    """An MQTT 5 client with no application behind it, for a limit's measurement.

    It is the paho subclass the kiosks and the hub run (``LeanClient``:
    buffered reads, Nagle off, lean PUBLISH and PUBACK handling), so a
    limit is what the roles' own MQTT stack can do here. Stock paho spends
    more per packet than that stack, and a "limit" the roles could beat
    would be none.
    """
    return LeanClient(CallbackAPIVersion.VERSION2, client_id, protocol=mqtt.MQTTv5)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in [0, 1]) of ``values``; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB; 0 when it is gone."""
    return proc_mb(pid, "status", "VmHWM")


def reset_peak_rss(pid: int) -> bool:
    """Start ``pid``'s VmHWM afresh from its current RSS (Linux ``clear_refs`` 5); whether it did.

    So a peak can be of one phase (a drain) rather than of the whole life of
    the process: the hub's start-up, say, briefly takes argon2's 64 MiB
    for the dashboard's dummy password hash.
    """
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def rss_mb(pid: int) -> float:
    """Current resident memory (VmRSS) of a live process, in MB; 0 when it is gone."""
    return proc_mb(pid, "status", "VmRSS")


def anonymous_mb(pid: int) -> float:
    """A process's own memory (heap, stacks, buffers) without mapped libraries, in MB."""
    return proc_mb(pid, "smaps_rollup", "Anonymous")


def proc_mb(pid: int, name: str, field: str) -> float:
    """The kB figure ``field`` of /proc/<pid>/<name>, in MB; 0 when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/{name}").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_queue_s(pid: int) -> float:
    """Seconds a live process's threads have spent runnable but waiting for a CPU.

    The kernel's per-thread scheduler statistics (``/proc/PID/task/TID/schedstat``:
    time on a CPU, time on the run queue, in ns). A process that wanted a
    CPU and did not get one was slowed by the machine, not by its own code:
    on two vCPUs shared with the broker and the load's publishers, the
    hub's thread waited for one 40-50 % of a round's first second
    (docs/performance-rounds.md, fifteenth round). 0 when the process is gone or
    the kernel keeps no such statistics.
    """
    waited = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0.0
    for task in tasks:
        try:
            waited += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return waited / 1e9


def cpu_s(pid: int, thread: int | None = None) -> float:
    """CPU seconds (user + system) a live process, or one of its threads, has used; 0 if gone."""
    path = f"/proc/{pid}/stat" if thread is None else f"/proc/{pid}/task/{thread}/stat"
    try:
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
