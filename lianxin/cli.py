"""``lianxin``: one command, a subcommand per role."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from config.loader import ConfigError, load_settings, with_broker_paths_resolved
from config.logs import setup_logging

NOT_YET = {
    "central": "the central records service is not built yet (issue 7)",
    "ui": "the touchscreen UI is not built yet (issue 4); use --headless",
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Device subcommands own their whole argument list.
    if argv[:1] == ["reader"]:
        return _devices("reader_main", argv[1:])
    if argv[:2] == ["sim", "reader"]:
        return _devices("sim_main", argv[2:])
    if argv[:2] == ["hub", "create-staff"]:
        from hub.dashboard.accounts_cli import create_staff_main  # noqa: PLC0415

        return create_staff_main(argv[2:])
    if argv[:1] == ["dashboard-screenshots"]:
        from hub.dashboard.screenshots import main as screenshots_main  # noqa: PLC0415

        return screenshots_main(argv[1:])
    if argv[:1] == ["provision"]:
        from lianxin.provision.commands import provision_main  # noqa: PLC0415

        return provision_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if args.role is None:
        parser.print_help()
        return 2
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
    print(f"lianxin {args.role}: {NOT_YET.get(args.role, 'not built yet')}", file=sys.stderr)
    return 2


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
    from hub.app import run_hub  # noqa: PLC0415 - only hub machines have SQLAlchemy

    settings = with_broker_paths_resolved(load_settings(config, HubSettings), config)
    setup_logging("hub", settings.log_level)
    return run_hub(settings, config.resolve().parent)


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
    if args.headless:
        from kiosk.headless import run_headless  # noqa: PLC0415

        return run_headless(settings, args.config.resolve())
    return _ui("run_kiosk_ui", settings, args.config.resolve())


def _ui(entry: str, *args: object) -> int:
    """Call kiosk.ui.app.<entry>; only kiosk machines have Kivy installed."""
    try:
        app = importlib.import_module("kiosk.ui.app")
    except ImportError as exc:
        print(f"lianxin kiosk: {NOT_YET['ui']} ({exc})", file=sys.stderr)
        return 2
    result: int = getattr(app, entry)(*args)
    return result


def _central(config: Path) -> int:
    from config.settings import CentralSettings  # noqa: PLC0415

    settings = load_settings(config, CentralSettings)
    setup_logging("central", settings.log_level)
    try:
        app = importlib.import_module("central.app")
    except ImportError:
        print(f"lianxin central: {NOT_YET['central']}", file=sys.stderr)
        return 2
    result: int = app.run_central(settings, config.resolve().parent)
    return result


def _devices(entry: str, argv: list[str]) -> int:
    try:
        from devices import cli as devices_cli  # noqa: PLC0415
    except ImportError:
        print("lianxin: scanner drivers are not built yet (issue 3)", file=sys.stderr)
        return 2
    result: int = getattr(devices_cli, entry)(argv)
    return result
