"""A reader keeps reading after a code too long to be a card and after its consumer fails.

A real barcode driver reads a simulated scanner through a pseudo-terminal.
Before the fix, a 170-character QR code (a URL on a poster) reached the
kiosk, failed the request's validation there, and the exception ended the
reader thread: every later scan was silently lost.
"""

from __future__ import annotations

import threading

from devices.factory import open_reader
from devices.reads import ReaderError
from devices.scan import MAX_CREDENTIAL_CHARS, ScanEvent
from devices.sim import start_simulator
from tests.devices.conftest import ID_KEY
from tests.waiting import wait_until

FAST = {"reconnect_initial_s": 0.01, "reconnect_max_s": 0.1, "dedupe_window_s": 0}
POSTER_URL = "https://example.org/activities?" + "x" * 140


def test_a_long_code_is_reported_and_a_failing_consumer_does_not_stop_the_reader() -> None:
    taken: list[str] = []
    errors: list[ReaderError] = []

    def on_scan(scan: ScanEvent) -> None:
        if scan.credential == "BREAKS-THE-KIOSK":
            raise ValueError("the kiosk could not take this scan")
        taken.append(scan.credential)

    stop = threading.Event()
    with start_simulator("barcode") as scanner:
        source = open_reader(
            "barcode",
            scanner.port_path,
            reader_id="st01-qr",
            id_hash_key=ID_KEY,
            options=FAST,
            on_error=errors.append,
        )
        thread = threading.Thread(target=source.run, args=(on_scan, stop), daemon=True)
        thread.start()
        try:
            wait_until(lambda: source.health == "ok", message="port open")
            scanner.present(POSTER_URL)
            wait_until(lambda: len(errors) == 1, message="the long code reported")
            scanner.present("BREAKS-THE-KIOSK")
            wait_until(lambda: len(errors) == 2, message="the failed hand-over reported")
            scanner.present("LX-TOKEN-0001")
            wait_until(lambda: taken == ["LX-TOKEN-0001"], message="the next scan taken")
            assert thread.is_alive()
        finally:
            stop.set()
            thread.join(timeout=10)

    assert len(POSTER_URL) > MAX_CREDENTIAL_CHARS
    assert [e.code for e in errors] == ["card", "card"]
    assert f"{len(POSTER_URL)} characters is not a card" in errors[0].reason
    assert "could not take this scan" in errors[1].reason


def test_the_readers_limit_is_the_requests_limit() -> None:
    from protocol.messages import Credential  # noqa: PLC0415 - the wire's side of the pair

    [limit] = [m.max_length for m in Credential.model_fields["value"].metadata if m.max_length]
    assert limit == MAX_CREDENTIAL_CHARS
