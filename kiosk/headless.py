"""``lianxin kiosk --headless``: the kiosk core without a screen.

Scans from the configured reader go to the outbox first, then to the hub.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from config.crash_points import crash_point
from config.lifecycle import freeze_startup_heap, wait_until_stopped
from config.loader import resolve_path
from config.settings import KioskSettings
from devices.idhash import read_id_hash_key
from devices.reads import ErrorCallback
from devices.scan import ScanEvent, ScanSource
from kiosk.core.link import HubLink
from kiosk.core.outbox import Outbox
from kiosk.core.reader_watch import ReaderWatch
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.requests import RequestWriter
from kiosk.core.synthetic import SyntheticReader
from protocol.sealing import read_key

log = logging.getLogger(__name__)
READING_STOPPED = "reading.stopped"


def open_reader(
    settings: KioskSettings,
    config_path: Path,
    recorded: int = 0,
    on_error: ErrorCallback | None = None,
) -> ScanSource | None:
    """The configured scan source, or None when no reader is attached.

    ``recorded`` is how many scans the outbox already holds: a synthetic
    reader with a fixed count resumes after a restart instead of starting over.
    ``on_error`` hears each error a driver reports (see kiosk/core/reader_watch.py).
    """
    reader = settings.reader
    reader_id = f"{settings.kiosk}-{reader.driver}"
    if reader.driver == "none":
        return None
    if reader.driver == "synthetic":
        return SyntheticReader(
            reader_id,
            reader.synthetic_interval_s,
            reader.synthetic_count,
            reader.synthetic_seed,
            already=recorded,
        )
    from devices.factory import open_reader as open_driver  # noqa: PLC0415 - optional drivers

    key = b""
    if settings.id_hash_key_file:
        key = read_id_hash_key(resolve_path(config_path, settings.id_hash_key_file))
    return open_driver(
        reader.driver,
        reader.port,
        reader_id=reader_id,
        id_hash_key=key,
        options=reader.options,
        on_error=on_error,
    )


def phone_key(settings: KioskSettings, config_path: Path) -> bytes | None:
    """The hub's public key for sealing phone numbers, if this kiosk has one."""
    if settings.phone_key_file is None:
        return None
    return read_key(resolve_path(config_path, settings.phone_key_file))


def watched_reader(
    settings: KioskSettings, config_path: Path, recorded: int = 0
) -> tuple[ScanSource | None, ReaderWatch]:
    """The configured reader, with the watch that counts its errors and judges its health."""
    watch = ReaderWatch()
    watch.reader = open_reader(settings, config_path, recorded, on_error=watch.on_error)
    return watch.reader, watch


def run_headless(
    settings: KioskSettings, config_path: Path, stop: threading.Event | None = None
) -> int:
    stop = stop or threading.Event()
    data_dir = resolve_path(config_path, settings.data_dir)
    outbox = Outbox(data_dir / "outbox.db")
    (data_dir / READING_STOPPED).unlink(missing_ok=True)
    reference = ReferenceCache(data_dir / "reference.db", settings.station)
    writer = RequestWriter(
        outbox, settings.station, settings.kiosk, phone_key=phone_key(settings, config_path)
    )
    reader, watch = watched_reader(settings, config_path, recorded=outbox.counts().total)
    link = HubLink(
        settings,
        outbox,
        reader_health=lambda: watch.health,
        reader_errors=lambda: watch.errors,
        reference=reference,
        software="lianxin-0.1",
    )

    def on_scan(scan: ScanEvent) -> None:
        watch.on_scan()
        entry = writer.check_in(scan, lang=settings.default_lang)
        crash_point("kiosk_after_outbox_write")
        link.wake(entry)  # before the log line: the swipe does not wait for it
        log.info(
            "scan recorded",
            extra={
                "event": "scan_recorded",
                "station": settings.station,
                "kiosk": settings.kiosk,
                "request_id": entry.request_id,
                "seq": entry.seq,
                "reader": scan.reader_id,
            },
        )

    # SIGUSR1 stops taking scans but keeps delivering what is queued (drain).
    stop_reading = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum, extra={"event": "kiosk_stopping"})
        stop_reading.set()
        if signum != signal.SIGUSR1:
            stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
            signal.signal(signum, on_signal)
    freeze_startup_heap()
    link.start()
    reader_thread = None
    if reader is not None:
        reader_thread = threading.Thread(
            target=reader.run, args=(on_scan, stop_reading), name="reader", daemon=True
        )
        reader_thread.start()
    wait_until_stopped(stop_reading)
    if reader_thread is not None:
        reader_thread.join(timeout=5)
    # Tells a supervisor (the demo, the chaos run) that no new scans will come.
    (data_dir / READING_STOPPED).touch()
    wait_until_stopped(stop)
    link.stop()
    outbox.close()
    reference.close()
    return 0
