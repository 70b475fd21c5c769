from __future__ import annotations

import importlib.util

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.factory import DRIVERS, open_reader
from devices.parsing import FrameError
from devices.pcsc import parse_uid_response
from devices.reads import DriverUnavailableError

KEY = b"0123456789abcdef0123"


def test_all_issue_driver_names_exist():
    assert set(DRIVERS) == {"idcard", "em4100", "uid-serial", "pcsc", "barcode", "wiegand", "wedge"}


def test_unknown_driver_is_a_clear_value_error():
    with pytest.raises(ValueError, match="unknown driver 'rdm'; known: idcard, em4100"):
        open_reader("rdm", "/dev/null", reader_id="r", id_hash_key=KEY)


@pytest.mark.parametrize(
    ("driver", "options", "message"),
    [
        ("em4100", {"colour": "red"}, "driver 'em4100' has no option(s): colour"),
        ("wiegand", {"bits": "37"}, "option bits='37' must be one of 26, 34"),
        ("barcode", {"terminator": "tab"}, "option terminator='tab' must be one of cr, lf"),
        ("idcard", {"poll_interval_s": "soon"}, "option poll_interval_s='soon' must be a number"),
        ("uid-serial", {"dedupe_window_s": -1}, "option dedupe_window_s=-1 must be a number >= 0"),
    ],
)
def test_bad_options_are_clear_value_errors(driver, options, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_reader(driver, "loop://", reader_id="r", id_hash_key=KEY, options=options)


def test_idcard_without_a_real_key_is_refused():
    with pytest.raises(ValueError, match="id hash key"):
        open_reader("idcard", "loop://", reader_id="r", id_hash_key=b"short")


def test_string_options_from_the_cli_are_converted():
    open_reader(
        "wiegand",
        "loop://",
        reader_id="r",
        id_hash_key=b"",
        options={"bits": "34", "format": "HEX", "baud": "19200", "hold_gap_s": "0.4"},
    )


def test_pcsc_without_pyscard_is_a_clear_error():
    if importlib.util.find_spec("smartcard") is not None:
        open_reader("pcsc", "auto", reader_id="r", id_hash_key=b"")
        return
    with pytest.raises(DriverUnavailableError, match=r"pcsc driver needs pyscard"):
        open_reader("pcsc", "auto", reader_id="r", id_hash_key=b"")


def test_get_uid_answer_parses():
    assert parse_uid_response(bytes.fromhex("04A23B1C9000")) == bytes.fromhex("04A23B1C")
    assert parse_uid_response(bytes.fromhex("6A81")) == FrameError("status word 6A 81, want 90 00")


@given(st.binary(max_size=40))
def test_get_uid_parser_never_raises(answer):
    assert isinstance(parse_uid_response(answer), bytes | FrameError)
