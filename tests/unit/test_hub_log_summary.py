"""A big batch names its stored requests in one line; a small one logs each, after its replies."""

from __future__ import annotations

import logging

import pytest

from hub.worker import LOG_EACH_UP_TO, AnsweredLog
from protocol.codec import decode_request
from protocol.messages import CheckInRequest
from tests.system import envelopes


def _request(kiosk: str, seq: int) -> CheckInRequest:
    topic, payload, _ = envelopes.check_in(kiosk=kiosk, seq=seq)
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest), request
    return request


def test_a_small_batch_logs_every_request_on_its_own_line_when_told_to(
    caplog: pytest.LogCaptureFixture,
) -> None:
    summary = AnsweredLog(each=True)
    requests = [_request("k1", seq) for seq in range(1, 4)]
    with caplog.at_level(logging.DEBUG, logger="hub.worker"):
        for request in requests:
            summary.note(request, "stored", "checked_in")
        assert caplog.records == []  # noted while the replies wait to be written
        summary.log()

    assert [(r.levelno, r.request_id, r.event) for r in caplog.records] == [  # type: ignore[attr-defined]
        (logging.INFO, request.id, "request_stored") for request in requests
    ]


def test_a_big_batch_names_every_stored_request_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    requests = [_request("k1", seq) for seq in range(5, 5 + LOG_EACH_UP_TO)]
    requests += [_request("k2", seq) for seq in (40, 41)]
    duplicate = _request("k1", 3)
    summary = AnsweredLog(each=False)

    with caplog.at_level(logging.INFO, logger="hub.worker"):
        for request in requests:
            summary.note(request, "stored", "checked_in")
        summary.note(duplicate, "duplicate", "checked_in")
        summary.log()

    own, line = caplog.records  # anything but "stored" keeps its own line
    assert own.levelno == logging.INFO and own.request_id == duplicate.id  # type: ignore[attr-defined]
    assert line.levelno == logging.INFO and line.event == "requests_stored"  # type: ignore[attr-defined]
    text = line.getMessage()
    assert text.startswith(f"stored {len(requests)} requests from 2 kiosks: ")
    assert f"st01/k1 seq 5-{4 + LOG_EACH_UP_TO}: " in text and "st01/k2 seq 40-41: " in text
    assert all(request.id in text for request in requests)
    assert duplicate.id not in text
