"""Central on this machine, for the demo and local runs: config files and a count.

``write_local_central`` writes ``central.toml`` and fresh tokens into a run
directory and returns what a hub's config needs (``hub_section``);
``stored_events`` counts the records central holds straight from its
database, the way the demo's tally counts everything else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from central.db import make_engine
from central.models import Event


@dataclass(frozen=True)
class LocalCentral:
    config: Path  # pass to `lianxin central --config`
    url: str  # the API root hubs use
    hub_token_file: Path
    admin_token_file: Path
    database_url: str  # relative SQLite paths are relative to config.parent

    def hub_section(self) -> str:
        """The ``[central]`` TOML section for the hub's config (absolute token path)."""
        return f'\n[central]\nurl = "{self.url}"\ntoken_file = "{self.hub_token_file}"\n'


def write_local_central(run_dir: Path, port: int, hub_id: str = "local-hub") -> LocalCentral:
    """Write a loopback-only central config for one hub into ``run_dir/central``."""
    directory = run_dir / "central"
    directory.mkdir(parents=True, exist_ok=True)
    hub_token, admin_token = directory / "hub.token", directory / "admin.token"
    for path in (hub_token, admin_token):
        path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    database_url = "sqlite:///central.db"
    config = directory / "central.toml"
    config.write_text(
        f'database_url = "{database_url}"\nadmin_token_file = "admin.token"\n'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[[hubs]]\nid = "{hub_id}"\ntoken_file = "hub.token"\n',
        encoding="utf-8",
    )
    return LocalCentral(
        config, f"http://127.0.0.1:{port}/api/v1", hub_token, admin_token, database_url
    )


def stored_events(database_url: str, base_dir: Path) -> int:
    """How many records central holds (0 before its first start)."""
    engine = make_engine(database_url, base_dir=base_dir)
    try:
        with engine.connect() as connection:
            if not engine.dialect.has_table(connection, "events"):
                return 0
            return int(connection.execute(select(func.count()).select_from(Event)).scalar_one())
    finally:
        engine.dispose()
