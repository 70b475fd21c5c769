"""A roster change made at central reaches a kiosk's reference cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core.reference_cache import ReferenceCache
from protocol.codec import decode_snapshot
from protocol.reference import RosterSnapshot
from tests.central.stack import Central, CentralHub
from tests.system.stack import Stack
from tests.waiting import wait_until

CARD = "5A00C0FFEE"


def test_roster_entry_added_at_central_is_found_in_the_kiosk_cache(
    stack: Stack, central: Central, central_hub: CentralHub
) -> None:
    central.start()
    central_hub.start()
    kiosk = stack.kiosk("k1", station="st01").start()
    cache_path = kiosk.directory / "data" / "reference.db"

    central.admin(
        "PUT",
        "/roster",
        {
            "credential": {"kind": "rfid_em4100", "value": CARD},
            "person_id": "P-0042",
            "masked_name": "王*红",
            "member": True,
            "stations": ["st01"],
        },
    )

    wait_until(lambda: CARD in _cached_cards(cache_path), 60, "card cached")
    cache = ReferenceCache(cache_path, "st01")
    try:
        entry = cache.lookup("rfid_em4100", CARD)
    finally:
        cache.close()
    assert entry is not None
    assert (entry.person_id, entry.masked_name, entry.member) == ("P-0042", "王*红", True)
    assert central_hub.rows("SELECT person_id, stations FROM roster") == [("P-0042", "st01")]

    central.admin("DELETE", f"/roster/rfid_em4100/{CARD}")
    wait_until(lambda: CARD not in _cached_cards(cache_path), 60, "card removed from the cache")
    assert central_hub.rows("SELECT COUNT(*) FROM roster") == [(0,)]


def test_roster_entry_for_another_station_stays_off_this_kiosk(
    stack: Stack, central: Central, central_hub: CentralHub
) -> None:
    central.start()
    central_hub.start()
    kiosk = stack.kiosk("k1", station="st01").start()
    cache_path = kiosk.directory / "data" / "reference.db"
    for card, stations in (("1100000001", ["st02"]), ("1100000002", "*")):
        central.admin(
            "PUT",
            "/roster",
            {
                "credential": {"kind": "rfid_em4100", "value": card},
                "person_id": f"P-{card}",
                "masked_name": "李*",
                "stations": stations,
            },
        )
    wait_until(lambda: "1100000002" in _cached_cards(cache_path), 60, "the '*' card cached")
    assert "1100000001" not in _cached_cards(cache_path)


def _cached_cards(path: Path) -> set[str]:
    """Cards in the kiosk's cached roster, read straight from its SQLite file."""
    if not path.exists():
        return set()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        # The kiosk creates the file before its table: nothing cached yet.
        created = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'snapshots'"
        ).fetchone()
        if created is None:
            return set()
        row = db.execute("SELECT payload FROM snapshots WHERE name = 'roster'").fetchone()
    if row is None:
        return set()
    snapshot = decode_snapshot(bytes(row[0]))
    assert isinstance(snapshot, RosterSnapshot)
    return {item.credential.value for item in snapshot.items}
