"""Nothing a station run writes holds a clear ID number or phone number.

A demo-shaped network (central, hub, an ID card kiosk and an access-card
kiosk reading simulated readers through the real drivers) runs, a visitor
registers with a phone number, everything syncs to central; then every
file under the run directory (databases, WAL files, logs) and every MQTT
payload is searched for the ID numbers the reader presented and the phone.
"""

from __future__ import annotations

from pathlib import Path

from devices.sim.cards import SyntheticCards
from kiosk.core.outbox import Outbox
from kiosk.core.requests import RequestWriter
from lianxin.network import LocalNetwork
from lianxin.simulators import start_reader_simulator, write_id_hash_key
from protocol.sealing import read_key
from tests.system.stack import Probe
from tests.waiting import wait_until

PHONE = "13912345678"


def test_no_clear_id_number_or_phone_anywhere_after_a_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    network = LocalNetwork(run, broker_kind="mosquitto")
    cards = [SyntheticCards(seed=n).id_card() for n in (101, 102, 103)]
    id_numbers = [card.split(",")[0] for card in cards]
    simulator = start_reader_simulator(
        "idcard", seed=1, interval_s=0.4, log_path=run / "reader.log", cards=cards
    )
    try:
        network.broker.start()
        probe = Probe(network.broker_info)
        network.start_central()
        network.start_hub(demo_data=True)
        key_file = write_id_hash_key(run / "id-hash.key")
        kiosk = network.add_kiosk(reader=simulator, id_hash_key_file=key_file)
        network.add_kiosk(synthetic_scans=10, synthetic_interval_s=0.05)
        wait_until(lambda: network.tally().stored >= 13, 90, "ID card and card check-ins stored")
        assert network.hub is not None

        # A visitor registers at the ID card kiosk, as its screen would after consent:
        # written into that kiosk's own outbox, which its running link then sends.
        outbox = Outbox(kiosk.outbox)
        writer = RequestWriter(
            outbox, kiosk.station, kiosk.name, phone_key=read_key(run / "phone.pub")
        )
        writer.visitor_register("Li Hua", PHONE, consent_version="2026-01")
        outbox.close()
        network.stop_reading()
        assert network.wait_drained(120) is not None
        assert network.wait_synced(120)
        hub = network.hub
        # The registration was stored (INFO lines reach the file within half a second).
        wait_until(lambda: "visitor_registered" in hub.log(), 10, "registration logged")
    finally:
        simulator.stop()
        network.stop_all()
    probe.close()

    payloads = b"\n".join(payload for _topic, payload in probe.messages)
    written = [path for path in run.rglob("*") if path.is_file() and path.suffix != ".key"]
    assert any(path.name == "hub.db" for path in written)
    assert any(path.name == "central.db" for path in written)
    for needle in [*id_numbers, PHONE]:
        assert needle.encode() not in payloads, f"{needle} in an MQTT payload"
        for path in written:
            assert needle.encode() not in path.read_bytes(), f"{needle} in {path}"
