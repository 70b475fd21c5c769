"""The EM4100 driver against the simulated 125 kHz module on a real pseudo-terminal."""

from __future__ import annotations

from devices.scan import CredentialKind
from devices.sim import start_simulator
from tests.waiting import wait_until


def test_card_held_in_the_field_is_one_scan(run_reader):
    with start_simulator("em4100", {"repeat_s": 0.02}) as sim:
        reader = run_reader("em4100", sim.port_path, dedupe_window_s=0.05, hold_gap_s=0.5)
        wait_until(lambda: reader.source.health == "ok")
        sim.present("3C00CE754C")
        wait_until(lambda: reader.scans, message="a scan")
        written = sim.frames_written
        wait_until(lambda: sim.frames_written >= written + 20, message="repeated frames")
        assert len(reader.scans) == 1
        scan = reader.scans[0]
        assert scan.kind is CredentialKind.RFID_EM4100
        assert scan.credential == "3C00CE754C"
        assert scan.display == "0013530444"


def test_another_card_is_another_scan_and_repeat_within_window_is_not(run_reader):
    with start_simulator("em4100", {"repeat_s": 0}) as sim:
        reader = run_reader("em4100", sim.port_path, hold_gap_s=0)
        wait_until(lambda: reader.source.health == "ok")
        for card in ("3C00CE754C", "3C00CE754C", "0102030405"):
            sim.present(card)
            sim.remove()
        wait_until(lambda: len(reader.scans) == 2, message="two distinct cards")
        assert [s.credential for s in reader.scans] == ["3C00CE754C", "0102030405"]


def test_corrupt_frame_is_reported_not_scanned(run_reader):
    with start_simulator("em4100") as sim:
        reader = run_reader("em4100", sim.port_path)
        wait_until(lambda: reader.source.health == "ok")
        sim.send_raw(b"\x023C00CE754CCA\x03")  # what line noise on the checksum looks like
        wait_until(lambda: "checksum mismatch: got 0xCA, want 0xCB" in reader.error_reasons())
        assert reader.scans == []
