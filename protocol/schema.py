"""Generate the JSON Schema files in docs/schemas from the protocol models.

python -m protocol.schema --write   # after changing a message
python -m protocol.schema --check   # CI: fail when the files drift
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from protocol.messages import REQUEST_MODELS
from protocol.reference import (
    ActivitiesSnapshot,
    ConfigSnapshot,
    RoomsSnapshot,
    RosterSnapshot,
    ServicesSnapshot,
    SlotsSnapshot,
)
from protocol.replies import HubStatus, KioskStatus, Reply

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "docs" / "schemas"
_BASE = "https://lianxin.example/schemas/v1/"


def generate() -> dict[str, str]:
    """File name -> schema text, for every message on the wire."""
    models: dict[str, type[BaseModel]] = {
        f"request-{kind.value}.json": model for kind, model in REQUEST_MODELS.items()
    }
    models |= {
        "reply.json": Reply,
        "kiosk-status.json": KioskStatus,
        "hub-status.json": HubStatus,
        "ref-roster.json": RosterSnapshot,
        "ref-rooms.json": RoomsSnapshot,
        "ref-activities.json": ActivitiesSnapshot,
        "ref-config.json": ConfigSnapshot,
        "ref-services.json": ServicesSnapshot,
        "ref-slots.json": SlotsSnapshot,
    }
    files = {}
    for name, model in sorted(models.items()):
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": _BASE + name,
            **model.model_json_schema(),
        }
        files[name] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return files


def drift(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of schema files that are missing, stale or no longer generated."""
    expected = generate()
    present = {path.name for path in directory.glob("*.json")} if directory.exists() else set()
    stale = [
        name
        for name, text in expected.items()
        if not (directory / name).exists() or (directory / name).read_text("utf-8") != text
    ]
    return sorted(stale + sorted(present - expected.keys()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true")
    action.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.write:
        SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
        for stale in SCHEMA_DIR.glob("*.json"):
            stale.unlink()
        for name, text in generate().items():
            (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        return 0
    differing = drift()
    if differing:
        print(
            "docs/schemas is out of date with protocol/ (run `python -m protocol.schema "
            f"--write`): {', '.join(differing)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
