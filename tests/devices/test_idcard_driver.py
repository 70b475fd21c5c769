"""The ID card driver against the simulated reader on a real pseudo-terminal."""

from __future__ import annotations

import logging

import pytest

from devices.idcard.frames import Status
from devices.idhash import hash_id_number
from devices.scan import CredentialKind, PersonInfo
from devices.sim.idcard import IdCardSim, IdCardSpec
from tests.devices.conftest import ID_KEY
from tests.waiting import wait_until

NUMBER = "11010519491231002X"
FAST = {"poll_interval_s": 0.02, "response_timeout_s": 0.5}


@pytest.fixture
def sim():
    with IdCardSim() as simulator:
        yield simulator


def test_card_is_read_once_as_hash_and_mask(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, **FAST)
    sim.present(f"{NUMBER},张三明,2,01")
    wait_until(lambda: reader.scans, message="a scan")
    scan = reader.scans[0]
    assert scan.kind is CredentialKind.ID_CARD
    assert scan.credential == hash_id_number(ID_KEY, NUMBER)
    assert scan.display == "1101**********002X"
    assert scan.person == PersonInfo("张三明", "2", "01", "19491231")
    assert scan.read_at.tzinfo is not None


def test_card_left_on_the_reader_is_read_once(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, dedupe_window_s=0, **FAST)
    sim.present(NUMBER)
    wait_until(lambda: reader.scans, message="a scan")
    finds = sim.finds
    wait_until(lambda: sim.finds >= finds + 10, message="ten more polls")
    assert sim.reads == 1 and len(reader.scans) == 1
    sim.remove()
    wait_until(lambda: sim.finds >= finds + 15, message="polls with no card")
    sim.present(NUMBER)
    wait_until(lambda: len(reader.scans) == 2, message="the card again after removal")


def test_same_card_again_within_the_window_is_one_scan(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, dedupe_window_s=60, **FAST)
    sim.present(NUMBER)
    wait_until(lambda: reader.scans, message="a scan")
    sim.remove()
    finds = sim.finds
    wait_until(lambda: sim.finds >= finds + 3, message="polls with no card")
    sim.present(NUMBER)
    wait_until(lambda: sim.reads == 2, message="a second read")
    assert len(reader.scans) == 1


def test_failed_read_is_reported_with_its_status(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, read_attempts=2, **FAST)
    sim.present_card(IdCardSpec(NUMBER, read_status=Status.READ_FAILED))
    wait_until(lambda: reader.error_reasons().count("read card: 0x41 (READ_FAILED)") == 2)
    finds = sim.finds
    wait_until(lambda: sim.finds >= finds + 5, message="polls while waiting for removal")
    assert reader.error_reasons().count("read card: 0x41 (READ_FAILED)") == 2
    assert reader.scans == []


def test_foreign_card_is_rejected_clearly(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, **FAST)
    sim.present_card(IdCardSpec("9" + NUMBER[1:], card_type="I"))
    reason = "foreign permanent residence card (type I) is not supported"
    wait_until(lambda: reason in reader.error_reasons(), message=reason)
    assert reader.scans == []


def test_silent_reader_times_out_and_health_says_error(sim, run_reader):
    reader = run_reader("idcard", sim.port_path, **FAST)
    wait_until(lambda: reader.source.health == "ok")
    sim.mute = True
    wait_until(lambda: reader.source.health == "error")
    assert "find_card: no answer in 0.5 s" in reader.error_reasons()
    sim.mute = False
    wait_until(lambda: reader.source.health == "ok")


def test_no_clear_id_number_or_person_reaches_the_logs(sim, run_reader, caplog):
    caplog.set_level(logging.DEBUG)
    reader = run_reader("idcard", sim.port_path, **FAST)
    sim.present(f"{NUMBER},欧阳娜娜,2,01")
    wait_until(lambda: reader.scans, message="a scan")
    sim.remove()
    finds = sim.finds
    wait_until(lambda: sim.finds >= finds + 3, message="polls with no card")
    sim.present_card(IdCardSpec(NUMBER[:17] + "1"))  # bad check character: an error path
    wait_until(lambda: any("check character" in r for r in reader.error_reasons()))
    assert caplog.records, "the driver should log"
    for record in caplog.records:
        rendered = record.getMessage() + repr(record.__dict__)
        for secret in (NUMBER, NUMBER[:17], "欧阳娜娜", "19491231"):
            assert secret not in rendered, f"{secret} leaked in {record.name}: {rendered}"
    for error in reader.errors:
        assert NUMBER[:17] not in error.reason
