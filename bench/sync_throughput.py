"""Records per second pushed from a hub's outbox to central backed by PostgreSQL.

    .venv/bin/python bench/sync_throughput.py [--records 20000] [--batch N] [--workers 2]

Creates two throw-away databases (``lianxin_bench_<random>_hub`` and
``..._central``) on the local PostgreSQL (127.0.0.1:5432, trust auth, via
database ``test``), fills the hub's outbox with check-in records, starts
``lianxin central`` on a loopback port, and pushes with the real pusher and
client (``--workers`` pushers at once exercise FOR UPDATE SKIP LOCKED; the
default is what a hub on PostgreSQL runs, ``sync.pusher.PUSHERS_ON_POSTGRESQL``;
``--batch`` defaults to the hub's default ``[central] batch_size``).
Prints the figures as one JSON line; drops the databases afterwards.
Bounded by ``--records`` and ``--max-seconds``. Exit 1 when no PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select, text

from config.metrics import Metrics
from config.settings import CentralLinkSettings
from hub.db import make_engine, migrate, session_factory
from hub.models import SyncEvent
from lianxin.broker import free_port
from lianxin.processes import RoleProcess, answers_healthy
from sync.client import CallFailure, CentralClient
from sync.pusher import PUSHERS_ON_POSTGRESQL, Pusher

# What a hub sends per call unless its config says otherwise.
DEFAULT_BATCH: int = CentralLinkSettings.model_fields["batch_size"].default

ADMIN_URLS = (
    "postgresql://postgres@127.0.0.1:5432/test",
    "postgresql://root@127.0.0.1:5432/test",
)


def admin_url() -> str | None:
    for url in ADMIN_URLS:
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.OperationalError:
            continue
    return None


def sqlalchemy_url(admin: str, database: str) -> str:
    server = admin.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
    return f"{server}/{database}"


def fill_outbox(url: str, records: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    start = datetime.now(UTC) - timedelta(days=1)
    rows = []
    for number in range(records):
        event_id = f"00000000-0000-7000-8000-{number:012d}"
        at = start + timedelta(seconds=number)
        payload = {
            "event_id": event_id,
            "kind": "check_in",
            "station": f"st{number % 10 + 1:02d}",
            "kiosk": "k1",
            "seq": number + 1,
            "kiosk_time": at.isoformat(),
            "hub_time": at.isoformat(),
            "body": {
                "credential": {"kind": "rfid_em4100", "value": f"{number % 5000:010X}"},
                "purpose": "visit",
                "activity_id": None,
                "reader_id": "k1-em4100",
                "read_at": at.isoformat(),
            },
            "result": {"check_in_id": number + 1, "visits_this_year": 1},
        }
        rows.append(
            {
                "event_id": event_id,
                "kind": "check_in",
                "station": payload["station"],
                "payload_json": json.dumps(payload, sort_keys=True),
                "created_at": at,
                "attempts": 0,
            }
        )
    with engine.begin() as connection:
        for chunk in range(0, len(rows), 5000):
            connection.execute(insert(SyncEvent), rows[chunk : chunk + 5000])
    with engine.begin() as connection:
        # A real backlog builds up over hours and autovacuum analyses it on the
        # way; this one was written a moment ago, and without statistics the
        # planner sorts the whole backlog for every batch it hands out.
        connection.execute(text("ANALYZE sync_outbox"))
    engine.dispose()


def start_central(directory: Path, database_url: str) -> tuple[RoleProcess, int, str]:
    token = secrets.token_hex(16)
    port = free_port()
    (directory / "hub.token").write_text(token, encoding="utf-8")
    config = directory / "central.toml"
    config.write_text(
        f'database_url = "{database_url}"\nlog_level = "WARNING"\n'
        f'[http]\nhost = "127.0.0.1"\nport = {port}\n'
        '[[hubs]]\nid = "bench-hub"\ntoken_file = "hub.token"\n',
        encoding="utf-8",
    )
    process = RoleProcess(["central", "--config", str(config)], directory / "central.log")
    process.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if answers_healthy(port):
            return process, port, token
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"central did not start; see {directory / 'central.log'}")


def push_all(
    hub_url: str, central_port: int, token: str, *, batch: int, workers: int, max_s: float
) -> tuple[int, float, int]:
    """(records sent, seconds, failed calls) with ``workers`` pushers at once."""
    engine = make_engine(hub_url)
    sessions = session_factory(engine)
    failures = [0]
    stop_at = time.monotonic() + max_s

    def work() -> None:
        client = CentralClient(f"http://127.0.0.1:{central_port}/api/v1", token, timeout_s=30)
        pusher = Pusher(sessions, client.push, Metrics(), batch)
        while time.monotonic() < stop_at:
            report = pusher.push_once()
            if isinstance(report, CallFailure):
                failures[0] += 1
                continue
            if report.sent == 0 and report.unanswered == 0:
                break
        client.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    with sessions() as session:
        sent = session.scalar(select(func.count()).where(SyncEvent.sent_at.is_not(None))) or 0
    engine.dispose()
    return int(sent), seconds, failures[0]


def central_count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT COUNT(*) FROM events")).scalar_one())
    engine.dispose()
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH)
    parser.add_argument("--workers", type=int, default=PUSHERS_ON_POSTGRESQL)
    parser.add_argument("--max-seconds", type=float, default=180.0)
    args = parser.parse_args()
    admin = admin_url()
    if admin is None:
        print("no PostgreSQL reachable on 127.0.0.1:5432 (database test); nothing measured")
        return 1
    name = f"lianxin_bench_{secrets.token_hex(4)}"
    databases = [f"{name}_hub", f"{name}_central"]
    with psycopg.connect(admin, autocommit=True) as connection:
        for database in databases:
            connection.execute(f'CREATE DATABASE "{database}"')
    process: RoleProcess | None = None
    try:
        hub_url, central_url = (sqlalchemy_url(admin, database) for database in databases)
        fill_outbox(hub_url, args.records)
        with tempfile.TemporaryDirectory(prefix="lianxin-bench-") as tmp:
            process, port, token = start_central(Path(tmp), central_url)
            sent, seconds, failures = push_all(
                hub_url,
                port,
                token,
                batch=args.batch,
                workers=args.workers,
                max_s=args.max_seconds,
            )
            process.terminate()
            process = None
        stored = central_count(central_url)
        print(
            json.dumps(
                {
                    "records": args.records,
                    "sent": sent,
                    "central_stored": stored,
                    "batch": args.batch,
                    "workers": args.workers,
                    "seconds": round(seconds, 2),
                    "records_per_s": round(sent / seconds, 1) if seconds else None,
                    "failed_calls": failures,
                }
            )
        )
        return 0 if sent == stored == args.records else 1
    finally:
        if process is not None:
            process.kill()
        with psycopg.connect(admin, autocommit=True) as connection:
            for database in databases:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
