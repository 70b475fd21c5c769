"""The published JSON Schemas are exactly what the code generates."""

from __future__ import annotations

import json

from protocol.schema import SCHEMA_DIR, drift, generate


def test_checked_in_schemas_match_the_code() -> None:
    assert drift() == [], "run `python -m protocol.schema --write` and commit docs/schemas"


def test_every_schema_forbids_unknown_keys() -> None:
    for name, text in generate().items():
        schema = json.loads(text)
        assert schema.get("additionalProperties") is False, name
    assert (SCHEMA_DIR / "request-check_in.json").exists()
