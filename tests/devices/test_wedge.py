"""Keyboard wedge: scanner bursts are scans, people typing never are."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from devices.factory import open_reader
from devices.scan import CredentialKind
from devices.wedge import WedgeClassifier, WedgeScan, WedgeTyped
from tests.waiting import wait_until

keys = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


def type_out(classifier, text, start, gaps):
    decisions = []
    at = start
    for char, gap in zip(text, gaps, strict=True):
        at += gap
        decisions += classifier.feed(char, at)
    return decisions, at


def test_scanner_burst_with_enter_is_a_scan():
    classifier = WedgeClassifier(threshold_s=0.03, min_length=4)
    decisions, _ = type_out(classifier, "LX-123\r", 10.0, [1.0] + [0.012] * 6)
    assert decisions == [WedgeScan("LX-123")]


def test_slow_typing_is_handed_back_as_typing():
    classifier = WedgeClassifier()
    decisions, _ = type_out(classifier, "1234\r", 0.0, [0.15] * 5)
    assert WedgeScan not in {type(d) for d in decisions}
    assert "".join(d.text for d in decisions) == "1234\r"


def test_short_fast_burst_is_not_a_scan():
    classifier = WedgeClassifier(min_length=4)
    decisions, _ = type_out(classifier, "ab\r", 0.0, [0.01] * 3)
    assert decisions == [WedgeTyped("ab\r")]


def test_missing_final_enter_is_not_a_scan_and_is_flushed_as_typing():
    classifier = WedgeClassifier()
    decisions, at = type_out(classifier, "LX-123", 0.0, [0.01] * 6)
    assert decisions == []
    assert classifier.flush(at + 0.5) == [WedgeTyped("LX-123")]


def test_person_typing_then_a_scan_are_told_apart():
    classifier = WedgeClassifier()
    typed, at = type_out(classifier, "张三", 0.0, [0.2, 0.2])
    scanned, _ = type_out(classifier, "QR-TOKEN\r", at, [0.5] + [0.01] * 8)
    # A lone key is ambiguous until the next one (or flush) shows it was slow.
    assert typed == [WedgeTyped("张")]
    assert scanned == [WedgeTyped("三"), WedgeScan("QR-TOKEN")]


@given(
    st.lists(st.one_of(keys, st.just("\r")), max_size=60),
    st.lists(st.floats(0.031, 2.0), min_size=60, max_size=60),
)
def test_keys_slower_than_the_threshold_are_never_a_scan(chars, gaps):
    """An on-screen keyboard cannot be pressed faster than 30 ms per key: never a scan."""
    classifier = WedgeClassifier(threshold_s=0.03)
    decisions, _ = type_out(classifier, chars, 0.0, gaps[: len(chars)])
    assert not any(isinstance(d, WedgeScan) for d in decisions)


@given(
    st.lists(st.one_of(keys, st.just("\r")), max_size=60),
    st.lists(st.floats(0.0, 1.0), min_size=60, max_size=60),
)
def test_every_key_is_accounted_for(chars, gaps):
    classifier = WedgeClassifier()
    decisions, at = type_out(classifier, chars, 0.0, gaps[: len(chars)])
    decisions += classifier.flush(at + 1.0)
    text = "".join(d.text + ("\r" if isinstance(d, WedgeScan) else "") for d in decisions)
    assert text == "".join(chars)


def test_wedge_reader_turns_pushed_keys_into_scans():
    reader = open_reader(
        "wedge",
        "ui",
        reader_id="kiosk-wedge",
        id_hash_key=b"",
        options={"kind": "barcode", "threshold_ms": 30},
    )
    scans = []
    stop = threading.Event()
    thread = threading.Thread(target=reader.run, args=(scans.append, stop))
    thread.start()
    try:
        at = 100.0
        for char in "6901234567892\r":
            at += 0.01
            reader.push_key(char, at)
        wait_until(lambda: scans, message="a wedge scan")
        assert scans[0].kind is CredentialKind.BARCODE
        assert scans[0].credential == "6901234567892"
        assert reader.health == "ok"
    finally:
        stop.set()
        thread.join(timeout=5)
