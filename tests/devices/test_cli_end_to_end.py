"""``sim reader`` + ``reader`` as real processes over a real pseudo-terminal."""

from __future__ import annotations

import pytest

from devices.idhash import hash_id_number
from tests.waiting import wait_until

KEY = "e2e-deployment-secret-0123456789"
SERIAL_DRIVERS = {
    "idcard": (["--option", "poll_interval_s=0.05"], []),
    "em4100": ([], []),
    "uid-serial": (
        ["--option", "byte_order=lsb"],
        ["--option", "byte_order=lsb", "--option", "separator=:"],
    ),
    "barcode": (["--option", "terminator=cr"], ["--option", "terminator=cr"]),
    "wiegand": (
        ["--option", "format=hex", "--option", "bits=34"],
        ["--option", "format=hex", "--option", "bits=34"],
    ),
}


def start_pair(spawn, driver, sim_args, reader_args, env=None):
    sim = spawn("sim", "reader", "--driver", driver, "--interval", "0.4", *sim_args)
    wait_until(lambda: sim.lines, message="the simulator's pty path")
    port = sim.lines[0]
    assert port.startswith("/dev/")
    reader = spawn(
        "reader",
        "--driver",
        driver,
        "--port",
        port,
        *reader_args,
        env={"LIANXIN_ID_HASH_KEY": KEY, **(env or {})},
    )
    return sim, reader


@pytest.mark.parametrize("driver", sorted(SERIAL_DRIVERS))
def test_sim_and_reader_end_to_end(driver, spawn):
    reader_args, sim_args = SERIAL_DRIVERS[driver]
    sim, reader = start_pair(spawn, driver, ["--seed", "3", *sim_args], reader_args)
    wait_until(
        lambda: len([j for j in reader.json_lines() if "kind" in j]) >= 2,
        timeout=20,
        message=f"two {driver} scans",
    )
    code, stderr = reader.terminate()
    assert code == 0, stderr
    scans = [j for j in reader.json_lines() if "kind" in j]
    assert len({s["credential"] for s in scans}) == len(scans)
    for scan in scans:
        assert set(scan) == {"reader_id", "kind", "credential", "display", "read_at"}
        assert str(scan["read_at"]).endswith("+00:00")
    sim.terminate()


def test_reader_json_never_holds_the_clear_id_number(spawn):
    number = "11010519491231002X"
    sim, reader = start_pair(
        spawn,
        "idcard",
        ["--card", f"{number},张三明,2,01"],
        ["--option", "poll_interval_s=0.05", "--show-person"],
    )
    wait_until(lambda: any("kind" in j for j in reader.json_lines()), timeout=20)
    code, stderr = reader.terminate()
    assert code == 0
    output = "\n".join(reader.lines) + stderr
    assert number not in output and number[:17] not in output
    scan = next(j for j in reader.json_lines() if "kind" in j)
    assert scan["credential"] == hash_id_number(KEY.encode(), number)
    assert scan["display"] == "1101**********002X"
    assert scan["person"] == {
        "name": "张三明",
        "gender": "2",
        "nation": "01",
        "birth_date": "19491231",
    }
    sim.terminate()


def test_reader_reports_errors_as_json_and_bad_options_clearly(spawn, tmp_path):
    reader = spawn(
        "reader", "--driver", "em4100", "--port", str(tmp_path / "nothing"), "--option", "bogus=1"
    )
    code, _ = reader.wait()
    assert code == 2
    assert reader.json_lines() == [{"error": "driver 'em4100' has no option(s): bogus"}]
    reader = spawn(
        "reader",
        "--driver",
        "idcard",
        "--port",
        str(tmp_path / "nothing"),
        env={"LIANXIN_ID_HASH_KEY": ""},
    )
    code, _ = reader.wait()
    assert code == 2 and "id hash key" in str(reader.json_lines()[0]["error"])


def test_sim_stops_after_count_cards(spawn):
    sim = spawn("sim", "reader", "--driver", "em4100", "--count", "2", "--interval", "0.05")
    code, stderr = sim.wait()
    assert code == 0, stderr
    assert sim.lines[0].startswith("/dev/")
