"""The reader factory says which setting it refused, so a config error can name the key."""

from __future__ import annotations

import pytest

from devices.factory import ReaderSetting, ReaderSettingError, check_reader

KEY = b"0123456789abcdef0123"


@pytest.mark.parametrize(
    ("driver", "port", "key", "options", "setting"),
    [
        ("bogus", "loop://", KEY, {}, "driver"),
        ("em4100", "", KEY, {}, "port"),
        ("wedge", "/dev/input/event3", KEY, {}, "port"),
        ("em4100", "loop://", KEY, {"baud": "fast"}, "options"),
        ("em4100", "loop://", KEY, {"colour": "red"}, "options"),
        ("em4100", "loop://", KEY, {"reconnect_initial_s": 9, "reconnect_max_s": 1}, "options"),
        ("idcard", "loop://", b"short", {}, "id_hash_key"),
    ],
)
def test_a_refused_reader_setting_is_named(
    driver: str, port: str, key: bytes, options: dict[str, str | int], setting: ReaderSetting
) -> None:
    with pytest.raises(ReaderSettingError) as caught:
        check_reader(driver, port, id_hash_key=key, options=options)
    assert caught.value.setting == setting


def test_usable_reader_settings_pass_the_check() -> None:
    check_reader("wiegand", "loop://", id_hash_key=b"", options={"bits": "34", "baud": 19200})
    check_reader("idcard", "loop://", id_hash_key=KEY)
    check_reader("wedge", "ui", id_hash_key=b"")
