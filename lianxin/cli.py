"""``lianxin``: one command, a subcommand per role."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from config.loader import ConfigError, check_settings, load_settings, with_broker_paths_resolved
from config.logs import setup_logging

# The packages of this project: an ImportError naming one of them is a bug, not a missing extra.
OUR_PACKAGES = frozenset(
    {"lianxin", "kiosk", "hub", "devices", "sync", "central", "protocol", "config"}
)


class MissingExtra(Exception):
    """A role's third-party packages are not installed on this machine."""

    def __init__(self, role: str, extra: str, missing: str) -> None:
        super().__init__(
            f"lianxin {role}: this machine lacks the {extra!r} extra (no module {missing!r});"
            f" install it with: pip install 'lianxin[{extra}]'"
        )


def import_role(role: str, module: str, extra: str) -> ModuleType:
    """Import ``module``; a third-party package it needs being absent raises MissingExtra.

    Each role's extra (pyproject.toml) installs only what that machine needs:
    a hub has no Kivy, a kiosk no SQLAlchemy. An ImportError inside our own
    packages is re-raised as it is.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").partition(".")[0]
        if not top or top in OUR_PACKAGES:
            raise
        raise MissingExtra(role, extra, exc.name or top) from exc


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return _dispatch(argv)
    except MissingExtra as exc:
        print(exc, file=sys.stderr)
        return 2


def _dispatch(argv: list[str]) -> int:
    # These subcommands own their whole argument list.
    if argv[:1] == ["reader"]:
        return _devices("reader_main", argv[1:])
    if argv[:2] == ["sim", "reader"]:
        return _devices("sim_main", argv[2:])
    if argv[:2] == ["hub", "create-staff"]:
        return _own_parser(
            "hub create-staff", "hub", "hub.dashboard.accounts_cli", "create_staff_main", argv[2:]
        )
    if argv[:1] == ["dashboard-screenshots"]:
        return _own_parser(
            "dashboard-screenshots", "hub", "hub.dashboard.screenshots", "main", argv[1:]
        )
    if argv[:1] == ["provision"]:
        return _own_parser(
            "provision", "hub", "lianxin.provision.commands", "provision_main", argv[1:]
        )
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.role == "hub":
            return _hub(args.config)
        if args.role == "kiosk":
            return _kiosk(args)
        if args.role == "chaos":
            from lianxin.chaos import ChaosPlan, run_chaos  # noqa: PLC0415

            plan = ChaosPlan(args.kiosks, args.scans, args.kills, args.seed, args.interval)
            return run_chaos(plan, args.run_dir)
        if args.role == "central":
            return _central(args.config)
        if args.role == "demo":
            from lianxin.demo import run_demo  # noqa: PLC0415 - loads the server stack

            return run_demo(
                duration_s=args.duration,
                kiosks=args.kiosks,
                headless=args.headless,
                run_dir=args.run_dir,
                broker_kind=args.broker,
            )
    except ConfigError as exc:
        print(f"lianxin {args.role}: {exc}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


def _own_parser(role: str, extra: str, module: str, entry: str, argv: list[str]) -> int:
    """Hand ``argv`` to ``module.entry``, a subcommand with its own argument parser."""
    result: int = getattr(import_role(role, module, extra), entry)(argv)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lianxin", description="Lianxin (连心) stations")
    roles = parser.add_subparsers(dest="role")
    hub = roles.add_parser("hub", help="the station network's authority")
    hub.add_argument("--config", required=True, type=Path)
    kiosk = roles.add_parser("kiosk", help="a station kiosk")
    kiosk.add_argument("--config", type=Path, help="required except with --screenshots")
    kiosk.add_argument("--headless", action="store_true", help="run the core without a screen")
    kiosk.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="render every screen and state in both languages to DIR, then exit",
    )
    kiosk.add_argument("--size", default="1280x800", help="window size for --screenshots")
    kiosk.add_argument(
        "--prepare-fonts",
        action="store_true",
        help="deploy step: make the memory-lean copies of the fonts in data_dir, then exit",
    )
    central = roles.add_parser("central", help="central records service")
    central.add_argument("--config", required=True, type=Path)
    demo = roles.add_parser("demo", help="the whole system on this machine")
    demo.add_argument("--headless", action="store_true")
    demo.add_argument("--duration", type=float, default=0.0, help="seconds; 0 = until Ctrl-C")
    demo.add_argument("--kiosks", type=int, default=2)
    demo.add_argument("--run-dir", type=Path, default=None)
    demo.add_argument(
        "--broker",
        choices=["auto", "mosquitto", "embedded"],
        default="auto",
        help="auto: Mosquitto when installed, else the embedded broker",
    )
    chaos = roles.add_parser("chaos", help="kill and restart parts at random, then count")
    chaos.add_argument("--kiosks", type=int, default=5)
    chaos.add_argument("--scans", type=int, default=200, help="scans per kiosk")
    chaos.add_argument("--kills", type=int, default=10)
    chaos.add_argument("--seed", type=int, default=1)
    chaos.add_argument("--interval", type=float, default=0.05, help="seconds between scans")
    chaos.add_argument("--run-dir", type=Path, default=None)
    roles.add_parser(
        "reader", help="print scans from a reader as JSON lines (see --help)", add_help=False
    )
    roles.add_parser(
        "provision", help="broker, hub and kiosk credentials (see --help)", add_help=False
    )
    sim = roles.add_parser("sim", help="simulators")
    sim.add_argument("what", choices=["reader"])
    return parser


def _hub(config: Path) -> int:
    from config.settings import HubSettings  # noqa: PLC0415

    app = import_role("hub", "hub.app", "hub")  # only hub machines have SQLAlchemy
    settings = with_broker_paths_resolved(load_settings(config, HubSettings), config)
    check_settings(settings, config)  # before the database is created or migrated
    setup_logging("hub", settings.log_level)
    result: int = app.run_hub(settings, config.resolve().parent)
    return result


def _kiosk(args: argparse.Namespace) -> int:
    from config.settings import KioskSettings  # noqa: PLC0415

    if args.screenshots is not None:
        return _ui("render_screenshots", args.screenshots, args.size)
    if args.config is None:
        print("lianxin kiosk: --config is required", file=sys.stderr)
        return 2
    settings = with_broker_paths_resolved(load_settings(args.config, KioskSettings), args.config)
    setup_logging("kiosk", settings.log_level)
    if args.prepare_fonts:
        return _ui("prepare_fonts", settings, args.config.resolve())
    # A missing extra is named first: it is the machine, not the config, that needs fixing.
    ui = None if args.headless else _ui_module()
    check_settings(settings, args.config)  # before the outbox is created
    if ui is None:
        from kiosk.headless import run_headless  # noqa: PLC0415

        return run_headless(settings, args.config.resolve())
    result: int = ui.run_kiosk_ui(settings, args.config.resolve())
    return result


def _ui(entry: str, *args: object) -> int:
    """Call kiosk.ui.app.<entry>; only kiosk machines have Kivy installed."""
    result: int = getattr(_ui_module(), entry)(*args)
    return result


def _ui_module() -> ModuleType:
    """kiosk.ui.app, or MissingExtra on a machine without Kivy."""
    # kiosk.ui.app imports Kivy only once it has set Kivy's environment.
    if importlib.util.find_spec("kivy") is None:
        raise MissingExtra("kiosk", "kiosk", "kivy")
    return import_role("kiosk", "kiosk.ui.app", "kiosk")


def _central(config: Path) -> int:
    from config.settings import CentralSettings  # noqa: PLC0415

    # First: check_settings needs SQLAlchemy, which only hub and central machines have.
    app = import_role("central", "central.app", "central")
    settings = load_settings(config, CentralSettings)
    check_settings(settings, config)  # before the database is created or migrated
    setup_logging("central", settings.log_level)
    result: int = app.run_central(settings, config.resolve().parent)
    return result


def _devices(entry: str, argv: list[str]) -> int:
    from devices import cli as devices_cli  # noqa: PLC0415 - its own argument parser

    result: int = getattr(devices_cli, entry)(argv)
    return result
