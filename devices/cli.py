"""Command-line entry points: ``lianxin reader`` and ``lianxin sim reader``.

``reader_main`` prints one JSON line per scan (and per reported error, with
an ``"error"`` key) on stdout. For ID cards it prints the keyed hash and the
masked number, never the clear number; ``PersonInfo`` only with
``--show-person``. Both exit 0 on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from devices.factory import DRIVERS, open_reader
from devices.idhash import read_id_hash_key
from devices.options import OptionValue
from devices.reads import DriverUnavailableError, ReaderError
from devices.scan import ScanEvent

KEY_ENV = "LIANXIN_ID_HASH_KEY"


def reader_main(argv: list[str]) -> int:
    """``lianxin reader --driver NAME --port URL ...``: print scans as JSON lines."""
    args = _reader_parser().parse_args(argv)
    try:
        key = _id_hash_key(args.id_hash_key_file)
        options = parse_options(args.option)
        if args.baud is not None:
            options["baud"] = args.baud
        source = open_reader(
            args.driver,
            args.port,
            reader_id=args.reader_id,
            id_hash_key=key,
            options=options,
            on_error=_print_error,
        )
    except (ValueError, OSError, DriverUnavailableError) as exc:
        _print_json({"error": str(exc)})
        return 2

    def on_scan(event: ScanEvent) -> None:
        _print_json(scan_json(event, show_person=args.show_person))

    with stop_on_signals() as stop:
        source.run(on_scan, stop)
    return 0


def sim_main(argv: list[str]) -> int:
    """``lianxin sim reader --driver NAME ...``: a simulated reader on a new pty.

    ``argv`` is what follows ``sim`` (a leading ``reader`` is accepted and
    skipped). The first stdout line is the pty slave path, flushed.
    """
    from devices.sim.runner import run_simulation  # noqa: PLC0415 - keeps `reader` light

    if argv[:1] == ["reader"]:
        argv = argv[1:]
    args = _sim_parser().parse_args(argv)
    try:
        cards = list(args.card)
        if args.cards:
            cards += [
                line.strip()
                for line in Path(args.cards).read_text("utf-8").splitlines()
                if line.strip() and not line.startswith("#")
            ]
        options = parse_options(args.option)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with stop_on_signals() as stop:
        return run_simulation(
            args.driver,
            cards=cards,
            options=options,
            interval_s=args.interval,
            hold_s=args.hold,
            seed=args.seed,
            count=args.count,
            stop=stop,
        )


def scan_json(event: ScanEvent, *, show_person: bool = False) -> dict[str, object]:
    """The JSON object for one scan (what ``reader_main`` prints)."""
    out: dict[str, object] = {
        "reader_id": event.reader_id,
        "kind": event.kind.value,
        "credential": event.credential,
        "display": event.display,
        "read_at": event.read_at.isoformat(),
    }
    if show_person and event.person is not None:
        out["person"] = asdict(event.person)
    return out


def parse_options(pairs: list[str]) -> dict[str, OptionValue]:
    """``["k=v", ...]`` -> ``{"k": "v"}``; the driver converts the values."""
    options: dict[str, OptionValue] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option wants key=value, got {pair!r}")
        options[key.strip()] = value.strip()
    return options


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT / SIGTERM (when called from the main thread)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda _sig, _frame: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _id_hash_key(path: str | None) -> bytes:
    if path:
        return read_id_hash_key(Path(path))
    return os.environ.get(KEY_ENV, "").encode("utf-8")


def _print_error(error: ReaderError) -> None:
    _print_json(
        {
            "reader_id": error.reader_id,
            "error": error.reason,
            "code": error.code.value,
            "at": error.at.isoformat(),
        }
    )


def _print_json(obj: dict[str, object]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _reader_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lianxin reader", description="Print scans as JSON lines.")
    p.add_argument("--driver", required=True, choices=DRIVERS)
    p.add_argument("--port", required=True, help="device path or pyserial URL")
    p.add_argument("--baud", type=int)
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--reader-id", default="cli")
    p.add_argument("--id-hash-key-file", help=f"secret for ID hashes (else ${KEY_ENV})")
    p.add_argument("--show-person", action="store_true", help="include decoded ID card text")
    return p


def _sim_parser() -> argparse.ArgumentParser:
    from devices.sim.registry import SIMULATED_DRIVERS  # noqa: PLC0415

    p = argparse.ArgumentParser(
        prog="lianxin sim reader", description="Simulate a reader on a pseudo-terminal."
    )
    p.add_argument("--driver", required=True, choices=SIMULATED_DRIVERS)
    p.add_argument("--cards", help="file with one card per line")
    p.add_argument("--card", action="append", default=[], help="a card (repeatable)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between cards")
    p.add_argument("--hold", type=float, help="seconds a card stays (default interval/2, max 1)")
    p.add_argument("--seed", type=int, help="seed for random cards")
    p.add_argument("--count", type=int, help="stop after this many cards")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    return p
