"""``lianxin chaos``: kill things at random while stations work, then count.

Starts a broker, the hub and K headless kiosks as separate processes; each
kiosk makes M scans. Meanwhile, at X seeded random moments, it kills
(SIGKILL) the broker, the hub or a kiosk and brings it back, sometimes
armed with a crash point so it dies again in the middle of its work:
a kiosk right after writing a scan to its outbox, the hub right after a
commit and before its reply. At the end it waits for every queue to drain
and counts in the databases. The last line is one JSON object; the exit
code is 0 only when nothing was lost or doubled.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from config.crash_points import ENV as CRASH_AT
from lianxin.network import LocalNetwork
from lianxin.processes import RoleProcess
from lianxin.tally import outbox_ids

POLL_S = 0.1
VICTIMS = ("broker", "hub", "kiosk", "kiosk")


@dataclass(frozen=True)
class ChaosPlan:
    kiosks: int
    scans: int
    kills: int
    seed: int
    interval_s: float = 0.05
    drain_timeout_s: float = 600.0


def run_chaos(plan: ChaosPlan, run_dir: Path | None = None) -> int:
    run_dir = (run_dir or Path(tempfile.mkdtemp(prefix="lianxin-chaos-"))).resolve()
    rng = random.Random(plan.seed)  # noqa: S311 - a replayable schedule, not a secret
    network = LocalNetwork(run_dir)
    say(f"run directory {run_dir}, seed {plan.seed}")
    try:
        network.broker.start()
        network.start_hub()
        for _ in range(plan.kiosks):
            network.add_kiosk(
                synthetic_scans=plan.scans,
                synthetic_interval_s=plan.interval_s,
                resend_after_s=5.0,
            )
        chaos = _Chaos(network, rng)
        production_s = plan.scans * plan.interval_s
        moments = sorted(rng.uniform(0.5, max(1.0, production_s)) for _ in range(plan.kills))
        start = time.monotonic()
        for moment in moments:
            chaos.keep_alive_until(start + moment)
            chaos.strike()
        chaos.keep_alive_until_scanned(plan.scans, timeout_s=plan.drain_timeout_s)
        drain_start = time.monotonic()
        network.stop_reading()
        drained = chaos.keep_alive_until_drained(timeout_s=plan.drain_timeout_s)
        drain_seconds = round(time.monotonic() - drain_start, 2) if drained else None
    finally:
        network.stop_all()
    counts = network.tally()
    expected = plan.kiosks * plan.scans
    print(
        json.dumps(
            {
                "kiosks": plan.kiosks,
                "scans": counts.scans,
                "stored": counts.stored,
                "lost": counts.lost,
                "duplicates": counts.duplicates,
                "kills": plan.kills,
                "drain_seconds": drain_seconds,
                "seed": plan.seed,
            }
        )
    )
    if counts.scans != expected:
        say(f"expected {expected} scans in the outboxes, found {counts.scans}")
    ok = counts.lost == 0 and counts.duplicates == 0 and counts.scans == expected and drained
    return 0 if ok else 1


class _Chaos:
    """Strikes one victim at a time and revives anything that died meanwhile."""

    def __init__(self, network: LocalNetwork, rng: random.Random) -> None:
        self._network = network
        self._rng = rng
        self._pause = threading.Event()  # never set: a plain interruptible pause

    def strike(self) -> None:
        victim = self._rng.choice(VICTIMS)
        down_s = self._rng.uniform(0.1, 1.5)
        if victim == "broker":
            say(f"kill broker for {down_s:.1f} s")
            self._network.broker.stop(kill=True)
            self._pause.wait(down_s)
            self._network.broker.start()
            return
        if victim == "hub":
            process, point = self._network.hub, "hub_after_commit"
        else:
            kiosk = self._rng.choice(self._network.kiosks)
            process, point = kiosk.process, "kiosk_after_outbox_write"
        assert process is not None
        armed = self._rng.random() < 0.5
        say(f"kill {victim}" + (f", restart armed to die at {point}" if armed else ""))
        process.kill()
        self._pause.wait(down_s)
        env = {CRASH_AT: f"{point}:{self._rng.randint(1, 40)}"} if armed else None
        process.start(env=env)

    def keep_alive_until(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self._revive()
            self._pause.wait(POLL_S)

    def keep_alive_until_scanned(self, scans: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        outboxes = [kiosk.outbox for kiosk in self._network.kiosks]
        while time.monotonic() < deadline:
            self._revive()
            if all(path.exists() for path in outboxes):
                counts = [len(outbox_ids([path])[0]) for path in outboxes]
                if all(count >= scans for count in counts):
                    return
            self._pause.wait(POLL_S * 5)
        say("kiosks did not finish their scans in time")

    def keep_alive_until_drained(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._revive()
            if self._network.wait_drained(timeout_s=1.0) is not None:
                return True
        say("queues did not drain in time")
        return False

    def _revive(self) -> None:
        """Anything that died by its crash point comes back, unarmed."""
        if not self._network.broker.running:
            self._network.broker.start()
        processes: list[RoleProcess] = [kiosk.process for kiosk in self._network.kiosks]
        if self._network.hub is not None:
            processes.append(self._network.hub)
        for process in processes:
            if not process.alive:
                process.start()


def say(text: str) -> None:
    print(f"lianxin chaos: {text}", file=sys.stderr, flush=True)
