"""A clear ID number never leaves the driver: not in logs, databases or MQTT.

A real ID card reader protocol on a pseudo-terminal, the real driver in a
headless kiosk, a real broker and hub; afterwards every byte they wrote is
searched for the number and the holder's name.
"""

from __future__ import annotations

from pathlib import Path

from devices.idhash import hash_id_number, read_id_hash_key
from devices.sim.cards import SyntheticCards
from lianxin.simulators import start_reader_simulator, write_id_hash_key
from tests.system.stack import Stack
from tests.waiting import wait_until


def _files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def test_clear_id_number_reaches_no_log_database_or_payload(tmp_path: Path, stack: Stack) -> None:
    card = SyntheticCards(seed=20261129).id_card()
    id_number, name = card.split(",")[:2]
    simulator = start_reader_simulator(
        "idcard", seed=7, interval_s=0.6, log_path=tmp_path / "reader.log", cards=[card]
    )
    try:
        hub = stack.hub().start()
        probe = stack.probe()
        key_file = write_id_hash_key(tmp_path / "id-hash.key")
        kiosk = stack.kiosk(
            reader_driver="idcard", reader_port=simulator.port_path, id_hash_key_file=key_file
        )
        kiosk.start()
        wait_until(lambda: kiosk.outbox()[1] >= 2, 60, "two ID card check-ins answered")
        # A card taken off and put back is a new scan of the same person.
        assert hub.count("check_ins") >= 2
    finally:
        simulator.stop()
    assert kiosk.process is not None
    kiosk.process.terminate()
    assert hub.process is not None
    hub.process.terminate()

    payloads = b"\n".join(payload for _topic, payload in probe.messages)
    # The check-ins of this very card did travel over MQTT, as its keyed hash.
    card_hash = hash_id_number(read_id_hash_key(key_file), id_number)
    assert f'{{"kind":"id_card","value":"{card_hash}"}}'.encode() in payloads
    written = _files(kiosk.directory) + _files(hub.directory)
    assert any(path.name.startswith("outbox.db") for path in written)
    for needle in (id_number, name):
        assert needle.encode() not in payloads
        for path in written:
            assert needle.encode() not in path.read_bytes(), f"{needle!r} found in {path}"
