"""``lianxin hub create-staff``: make the first admin (or any staff) account from a shell.

The password is read from stdin when it is not a terminal (so a
provisioning script can pipe it in), otherwise prompted twice without
echo. It never appears on the command line, where ``ps`` would show it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from config.loader import ConfigError, check_settings, load_settings
from config.settings import HubSettings
from hub.dashboard.accounts import create_account
from hub.dashboard.audit import record
from hub.dashboard.models import Role
from hub.db import make_engine, migrate, session_factory


def create_staff_main(argv: list[str]) -> int:
    """Exit code: 0 created, 1 refused (name taken, weak password), 2 usage or config error."""
    parser = argparse.ArgumentParser(
        prog="lianxin hub create-staff", description="Create a staff account for the dashboard."
    )
    parser.add_argument("--config", required=True, type=Path, help="the hub's TOML config")
    parser.add_argument("--user", required=True, help="user name (a-z 0-9 _ . -)")
    parser.add_argument("--role", choices=[r.value for r in Role], default=Role.STAFF.value)
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, HubSettings)
        check_settings(settings, args.config)  # before a database is made or migrated
    except ConfigError as exc:
        print(f"lianxin hub create-staff: {exc}", file=sys.stderr)
        return 2
    password = _read_password()
    if password is None:
        print("lianxin hub create-staff: the passwords do not match", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url, base_dir=args.config.resolve().parent)
    try:
        migrate(engine)
        now = datetime.now(UTC)
        with session_factory(engine).begin() as session:
            made = create_account(session, args.user, password, Role(args.role), now)
            if not isinstance(made, str):
                record(
                    session, "cli", "staff_create", made.username, now, detail={"role": args.role}
                )
    finally:
        engine.dispose()
    if isinstance(made, str):
        print(f"lianxin hub create-staff: {made}", file=sys.stderr)
        return 1
    print(f"created {args.role} account {args.user!r}")
    return 0


def _read_password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    second = getpass.getpass("again: ")
    return first if first == second else None
