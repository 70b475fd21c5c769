"""``make bench``: every benchmark in bounded time, one results file, a table, plots.

    .venv/bin/python bench/run_all.py [--quick]

Runs each bench script as a subprocess (its own JSON line), writes
bench/results/latest.json, prints a Markdown table (figure, value, target,
ratio to the same-run limit) and draws PNGs with matplotlib. A figure a
script could not produce (no PostgreSQL, no display, no time left in the
bench's budget) is null, not faked.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.stack import RATIO_PLACES, ratio_at_most

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
# The Makefile stops the bench at 590 s; the scripts share what is left
# after the table and plots.
BUDGET_S = 560
MIN_RUN_S = 10


def run(script: str, *args: str, timeout: float, deadline: float) -> dict[str, Any] | None:
    """One script's JSON line; None when it failed or ran past ``timeout`` or ``deadline``.

    ``deadline`` (monotonic) is the whole bench's: a slow machine loses the
    figures of the scripts that did not fit, not the table of those that did.
    """
    timeout = min(timeout, deadline - time.monotonic())
    if timeout < MIN_RUN_S:
        print(f"{script}: not run, the bench's time is spent", file=sys.stderr)
        return None
    started = time.monotonic()
    # A session of its own, so a timeout stops the broker, hub and load it started too.
    process = subprocess.Popen(
        [sys.executable, str(BENCH / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        print(f"{script}: timed out after {timeout:.0f} s", file=sys.stderr)
        return None
    try:
        parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(f"{script}: no figures (exit {process.returncode})\n{err[-1500:]}", file=sys.stderr)
        return None
    # Where the budget goes: a slow machine's first script to be cut is the last one.
    print(f"{script}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke check")
    args = parser.parse_args()
    scans = "20000" if args.quick else "100000"
    deadline = time.monotonic() + BUDGET_S
    flushed_s = flush_pending_writes()
    raw: dict[str, Any] = {
        "disk_flush_s": flushed_s,
        "e2e": run(
            "e2e_latency.py",
            *(["--swipes", "10", "--rounds", "1"] if args.quick else ["--swipes", "30"]),
            timeout=360,
            deadline=deadline,
        ),
        "ingest": run("hub_ingest.py", "--messages", "40000", timeout=300, deadline=deadline),
        # The kiosk's shipped pacing (config.settings.PacingSettings).
        "drain": run(
            "offline_week.py", "--scans", scans, "--timeout", "200", timeout=330, deadline=deadline
        ),
        "sync": run("sync_throughput.py", "--records", "20000", timeout=90, deadline=deadline),
        "kiosk": run(
            "kiosk_greeting.py",
            "--scans",
            "5" if args.quick else "10",
            timeout=300,
            deadline=deadline,
        ),
    }
    figures = summarise(raw)
    rounds = round_ratios(raw)
    RESULTS.mkdir(exist_ok=True)
    # The figures at the top level, where the keys are looked for;
    # every script's own output under "raw".
    (RESULTS / "latest.json").write_text(
        json.dumps({**figures, "e2e_p99_ratio_100_rounds": rounds, "raw": raw}, indent=1),
        encoding="utf-8",
    )
    print(table(figures, rounds))
    plot(raw, RESULTS)


def flush_pending_writes() -> float:
    """Write out what the set-up left in the page cache; the seconds it took.

    A fresh clone and its ``pip install`` leave hundreds of MB of dirty
    pages that the kernel writes back about 30 s later
    (``vm.dirty_expire_centisecs``): in the first script's first phase,
    where every fsync of the kiosks, the hub and the commit meter queues
    behind them. Here, after copying a 725 MB ``.venv``, a 4 KiB fsync
    every 5 ms took up to 449 ms about 30 s later; with ``sync`` first
    (1.5 s), 38 ms at most (docs/performance-rounds.md, twenty-ninth
    round). Flushed now, the measurements meet only the disk's own stalls.
    """
    started = time.monotonic()
    os.sync()
    took = round(time.monotonic() - started, 2)
    print(f"pending writes flushed: {took} s", file=sys.stderr)
    return took


def summarise(raw: dict[str, Any]) -> dict[str, float | None]:
    figures = summarise_e2e((raw.get("e2e") or {}).get("levels", {}))
    ingest = raw.get("ingest") or {}
    figures["hub_ingest_sqlite_per_s"] = ingest.get("hub_sqlite", {}).get("per_s")
    # The median of each round's ratio to the fan-in just before it (bench/hub_ingest.py).
    figures["hub_ingest_ratio"] = ingest.get("hub_sqlite", {}).get("ratio")
    figures["hub_cpu_us_per_check_in"] = ingest.get("hub_sqlite", {}).get("hub_cpu_us_per_message")
    figures["hub_waiting_for_cpu"] = ingest.get("hub_sqlite", {}).get("hub_waiting_for_cpu")
    figures["hub_ingest_pg_per_s"] = (ingest.get("hub_pg") or {}).get("per_s")
    figures["hub_ingest_pg_fresh_per_s"] = ((ingest.get("hub_pg") or {}).get("fresh") or {}).get(
        "per_s"
    )
    figures["fanin_raw_per_s"] = ingest.get("fanin", {}).get("per_s")
    figures["fanin_paho_per_s"] = (ingest.get("fanin_paho") or {}).get("per_s")
    figures["fanin_c_per_s"] = ingest.get("fanin_c", {}).get("per_s")
    drain = raw.get("drain") or {}
    complete = drain.get("stored") == drain.get("scans")
    figures["drain_100k_s"] = (
        drain.get("drain_s") if complete and drain.get("scans") == 100_000 else None
    )
    figures["drain_per_s"] = drain.get("drain_per_s")
    figures["drain_kiosk_peak_mb"] = drain.get("kiosk_peak_rss_mb")
    figures["drain_hub_peak_mb"] = drain.get("hub_peak_rss_mb")
    figures["hub_start_peak_mb"] = drain.get("hub_start_peak_rss_mb")
    growth = drain.get("second_half_growth_mb") or {}
    figures["drain_kiosk_growth_mb"] = growth.get("kiosk")
    figures["drain_hub_growth_mb"] = growth.get("hub")
    figures["sync_pg_per_s"] = (raw.get("sync") or {}).get("records_per_s")
    kiosk = raw.get("kiosk") or {}
    figures["kiosk_start_s"] = kiosk.get("kiosk_start_s")
    figures["kiosk_rss_mb"] = kiosk.get("kiosk_rss_mb")
    figures["kiosk_anon_mb"] = kiosk.get("kiosk_anon_mb")
    figures["kiosk_rss_unprepared_fonts_mb"] = kiosk.get("kiosk_rss_unprepared_fonts_mb")
    figures["kiosk_font_prepare_s"] = kiosk.get("kiosk_font_prepare_s")
    figures["font_mb_per_size"] = kiosk.get("font_mb_per_size")
    figures["font_mb_per_size_flat"] = kiosk.get("font_mb_per_size_flat")
    figures["bare_kivy_rss_mb"] = kiosk.get("bare_kivy_rss_mb")
    return figures


def summarise_e2e(e2e: dict[str, Any]) -> dict[str, float | None]:
    """The swipe's figures (bench/e2e_latency.py), by number of kiosks."""
    figures: dict[str, float | None] = {}
    for level in ("1", "10", "100"):
        entry = e2e.get(level)
        figures[f"e2e_p99_ms_{level}"] = entry["e2e_ms"]["p99"] if entry else None
        figures[f"echo_p99_ms_{level}"] = entry["echo_ms"]["p99"] if entry else None
    top = e2e.get("100")
    figures["commit_p99_ms"] = top["commit_ms"]["p99"] if top else None
    for part in ("kiosk_write", "to_hub", "hub_and_back"):
        split = (top or {}).get("split_ms", {}).get(part)
        figures[f"e2e_{part}_p50_ms_100"] = split["p50"] if split else None
        figures[f"e2e_{part}_p99_ms_100"] = split["p99"] if split else None
    cpu = (top or {}).get("cpu_ms_per_swipe", {})
    figures["e2e_cpu_ms_per_swipe_100"] = cpu.get("swipe", {}).get("total")
    figures["echo_cpu_ms_per_swipe_100"] = cpu.get("echo", {}).get("total")
    figures["durable_echo_cpu_ms_per_swipe_100"] = cpu.get("durable_echo", {}).get("total")
    if top:
        limit = top["echo_ms"]["p99"] + top["commit_ms"]["p99"]
        figures["e2e_p99_ratio_100"] = ratio_at_most(top["e2e_ms"]["p99"] / limit)
    else:
        figures["e2e_p99_ratio_100"] = None
    # The echo with a commit at each end, timed in the last round only: to
    # that round's own limit, as is the swipe's ratio beside it.
    last = ((top or {}).get("rounds") or [{}])[-1]
    figures["durable_echo_p99_ms_100"] = last.get("durable_echo_p99")
    figures["durable_echo_ratio_100"] = last.get("durable_echo_ratio")
    return figures


def round_ratios(raw: dict[str, Any]) -> list[float]:
    """The swipe's ratio in each alternating round at 100 kiosks (bench/e2e_latency.py)."""
    top = ((raw.get("e2e") or {}).get("levels") or {}).get("100") or {}
    return [float(r["ratio"]) for r in top.get("rounds", [])]


def table(f: dict[str, float | None], rounds: list[float]) -> str:
    def ratio(value: float | None, limit: float | None) -> str:
        return _ratio(value / limit) if value and limit else "-"

    limit_100 = (
        (f["echo_p99_ms_100"] or 0) + (f["commit_p99_ms"] or 0) if f["echo_p99_ms_100"] else None
    )
    rows = [
        (
            "swipe→reply p99, 100 kiosks (ms)",
            f["e2e_p99_ms_100"],
            "≤ 2× limit",
            ratio(f["e2e_p99_ms_100"], limit_100),
        ),
        ("echo p99 + commit p99, 100 kiosks (ms)", limit_100, "the limit", _ratio(1.0)),
        (
            "ratio in each alternating round, 100 kiosks (pooled above)",
            ", ".join(_ratio(r) for r in rounds) or None,
            "",
            "",
        ),
        (
            "echo with a durable commit at each end, no code of ours, p99, last round (ms)",
            f["durable_echo_p99_ms_100"],
            "the design's floor",
            _ratio(f["durable_echo_ratio_100"]) if f["durable_echo_ratio_100"] else "-",
        ),
        *(
            (f"of a swipe at 100 kiosks: {name}, p50 / p99 (ms)", both, "", "")
            for name, both in _split(f)
        ),
        (
            "CPU per swipe, 100 kiosks, all processes: the swipes' / the echo's / the floor's (ms)",
            " / ".join(
                _value(f[key])
                for key in (
                    "e2e_cpu_ms_per_swipe_100",
                    "echo_cpu_ms_per_swipe_100",
                    "durable_echo_cpu_ms_per_swipe_100",
                )
            ),
            "",
            "",
        ),
        ("swipe→reply p99, 10 kiosks (ms)", f["e2e_p99_ms_10"], "", ""),
        ("swipe→reply p99, 1 kiosk (ms)", f["e2e_p99_ms_1"], "", ""),
        (
            "hub ingest, SQLite (/s)",
            f["hub_ingest_sqlite_per_s"],
            "≥ 5,000 and ≥ ½ fan-in",
            _ratio(f["hub_ingest_ratio"])
            if f["hub_ingest_ratio"] is not None
            else ratio(f["hub_ingest_sqlite_per_s"], f["fanin_raw_per_s"]),
        ),
        (
            "hub ingest, PostgreSQL (/s)",
            f["hub_ingest_pg_per_s"],
            "",
            ratio(f["hub_ingest_pg_per_s"], f["fanin_raw_per_s"]),
        ),
        (
            "hub ingest, PostgreSQL, new database, no statistics yet, a quarter of the load (/s)",
            f["hub_ingest_pg_fresh_per_s"],
            "for scale",
            ratio(f["hub_ingest_pg_fresh_per_s"], f["fanin_raw_per_s"]),
        ),
        (
            "raw fan-in, the hub's paho client doing nothing (/s)",
            f["fanin_raw_per_s"],
            "the limit",
            _ratio(1.0),
        ),
        ("raw fan-in, stock paho (/s)", f["fanin_paho_per_s"], "for scale", ""),
        ("raw fan-in, mosquitto_sub (C) (/s)", f["fanin_c_per_s"], "for scale", ""),
        ("hub CPU per check-in (µs)", f["hub_cpu_us_per_check_in"], "", ""),
        (
            "hub ingest: the hub's threads waiting for a CPU (share of the round)",
            f["hub_waiting_for_cpu"],
            "",
            "",
        ),
        ("drain of 100,000 scans (s)", f["drain_100k_s"], "< 30", ""),
        ("drain rate (/s)", f["drain_per_s"], "> 3,333", ""),
        ("drain memory peak, kiosk (MB)", f["drain_kiosk_peak_mb"], "flat", ""),
        ("drain memory peak, hub, from the reconnect (MB)", f["drain_hub_peak_mb"], "flat", ""),
        ("drain memory growth, second half, kiosk (MB)", f["drain_kiosk_growth_mb"], "~0", ""),
        ("drain memory growth, second half, hub (MB)", f["drain_hub_growth_mb"], "~0", ""),
        ("hub memory peak at start-up, for scale (MB)", f["hub_start_peak_mb"], "", ""),
        ("sync hub→central, PostgreSQL (/s)", f["sync_pg_per_s"], "≥ 10,000", ""),
        ("kiosk cold start (s)", f["kiosk_start_s"], "< 3", ""),
        ("kiosk idle RSS (MB)", f["kiosk_rss_mb"], "< 150", ""),
        ("kiosk idle, own memory without libraries (MB)", f["kiosk_anon_mb"], "", ""),
        (
            "kiosk idle RSS, fonts not prepared (MB)",
            f["kiosk_rss_unprepared_fonts_mb"],
            "for scale",
            "",
        ),
        ("font preparation, once per deploy (s)", f["kiosk_font_prepare_s"], "", ""),
        ("memory per text size, font as extracted (MB)", f["font_mb_per_size"], "", ""),
        ("memory per text size, flat copy (MB)", f["font_mb_per_size_flat"], "", ""),
        ("bare Kivy window, same display and size (MB)", f["bare_kivy_rss_mb"], "for scale", ""),
    ]
    lines = ["| figure | value | target | ratio to limit |", "|---|---|---|---|"]
    lines += [f"| {name} | {_value(v)} | {t} | {r} |" for name, v, t, r in rows]
    return "\n".join(lines)


def _split(f: dict[str, float | None]) -> list[tuple[str, str]]:
    """The swipe's three parts at 100 kiosks, each "p50 / p99" (a sum of p99s is no p99)."""
    parts = (
        ("the kiosk's write", "kiosk_write"),
        ("on to the hub's batch", "to_hub"),
        ("the hub's transaction and the way back", "hub_and_back"),
    )
    return [
        (name, f"{_value(f[f'e2e_{key}_p50_ms_100'])} / {_value(f[f'e2e_{key}_p99_ms_100'])}")
        for name, key in parts
    ]


def _ratio(value: float) -> str:
    """A ratio to a limit, to ``RATIO_PLACES`` decimals."""
    return f"{value:.{RATIO_PLACES}f}"


def _value(value: float | str | None) -> str:
    """A figure as a person reads it: thousands separated, at most two decimals."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")


def plot(raw: dict[str, Any], out: Path) -> None:
    try:
        import matplotlib  # noqa: PLC0415 - optional: the bench extra

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print("matplotlib is not installed: no plots", file=sys.stderr)
        return
    levels = (raw.get("e2e") or {}).get("levels", {})
    if levels:
        _plot_latency(plt, levels, out / "latency.png")
    ingest = raw.get("ingest") or {}
    drain = raw.get("drain") or {}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for key, label in (
        ("fanin", "raw fan-in (bare subscriber)"),
        ("hub_sqlite", "hub, SQLite"),
        ("hub_pg", "hub, PostgreSQL"),
    ):
        series = (ingest.get(key) or {}).get("curve", [])
        left.plot([i * 0.5 for i in range(len(series))], [n * 2 for n in series], label=label)
    left.set_xlabel("s")
    left.set_ylabel("messages/s")
    left.set_title("ingest")
    left.legend()
    samples = drain.get("memory_samples", [])
    if samples:
        right.plot([s[0] for s in samples], [s[1] for s in samples], label="kiosk RSS")
        right.plot([s[0] for s in samples], [s[2] for s in samples], label="hub RSS")
    right.set_xlabel("s since reconnect")
    right.set_ylabel("MB")
    right.set_title("drain memory")
    right.legend()
    fig.tight_layout()
    fig.savefig(out / "throughput.png", dpi=100)
    plt.close(fig)


def _plot_latency(plt: Any, levels: dict[str, Any], path: Path) -> None:
    """One panel per kiosk count: each distribution, its p99s and the limit marked.

    The panels share one log axis with plain tick labels (0.5, 1, 2, 5 ms),
    so a distribution reads against the others and across kiosk counts.
    """
    from matplotlib.ticker import FixedLocator, NullFormatter, StrMethodFormatter  # noqa: PLC0415

    fig, axes = plt.subplots(
        1, len(levels), figsize=(5 * len(levels), 4), squeeze=False, sharex=True, sharey=True
    )
    for axis, (level, entry) in zip(axes[0], levels.items(), strict=True):
        for key, label, colour in (
            ("e2e", "swipe→reply", "tab:blue"),
            ("echo", "MQTT echo", "tab:orange"),
            ("commit", "SQLite commit", "tab:green"),
            ("durable_echo", "echo, a commit each end (last round)", "tab:purple"),
        ):
            values = sorted(entry.get(f"{key}_samples", []))
            if values:
                fractions = [i / len(values) for i in range(1, len(values) + 1)]
                axis.plot(values, fractions, label=label, color=colour)
                axis.axvline(entry[f"{key}_ms"]["p99"], color=colour, linestyle=":", linewidth=1)
        limit = entry["echo_ms"]["p99"] + entry["commit_ms"]["p99"]
        axis.axvline(
            limit, color="black", linestyle="--", linewidth=1, label="limit: echo + commit p99"
        )
        swipe_p99 = entry["e2e_ms"]["p99"]
        kiosks = f"{level} kiosk" if level == "1" else f"{level} kiosks"
        ratio = _ratio(ratio_at_most(swipe_p99 / limit))
        axis.set_title(f"{kiosks}: swipe p99 {swipe_p99:.2f} ms, {ratio}× the limit", fontsize=10)
        axis.set_xscale("log")
        axis.xaxis.set_major_locator(FixedLocator(_LATENCY_TICKS_MS))
        axis.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_xlabel("ms (dotted: each p99)")
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(loc="lower right", fontsize=8)
    axes[0][0].set_ylabel("fraction of samples ≤")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


_LATENCY_TICKS_MS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)


if __name__ == "__main__":
    main()
