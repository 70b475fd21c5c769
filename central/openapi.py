"""The checked-in OpenAPI description, generated from the app.

python -m central.openapi --write   # regenerate docs/central-openapi.json
python -m central.openapi --check   # exit 1 when the file has drifted
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from central.api import create_app

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "central-openapi.json"


def render() -> str:
    """The description as stable, reviewable JSON text."""
    return json.dumps(create_app(None).openapi(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m central.openapi")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true")
    action.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        DOC_PATH.write_text(text, encoding="utf-8")
        return 0
    if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
        print(f"{DOC_PATH} is out of date: run python -m central.openapi --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
