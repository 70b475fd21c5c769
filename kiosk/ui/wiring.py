"""The real kiosk behind the screen: outbox, reference cache, link, reader, session.

Wired as ``kiosk/headless.py`` wires the core, plus the session and the UI's
needs (reply callback, wedge keys, staff PIN, default language on disk).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from config.loader import resolve_path
from config.settings import KioskSettings
from devices.scan import ScanEvent, ScanSource
from devices.wedge import WedgeReader
from kiosk.core.history import RequestHistory
from kiosk.core.outbox import Outbox
from kiosk.core.reader_watch import ReaderWatch
from kiosk.core.reference_cache import ReferenceCache
from kiosk.core.requests import RequestWriter
from kiosk.core.resync import ResyncingHubLink
from kiosk.core.session import KioskSession
from kiosk.core.session_views import Status
from kiosk.headless import phone_key, watched_reader
from protocol.messages import Lang
from protocol.replies import Reply

log = logging.getLogger(__name__)
PIN_ENV = "LIANXIN_STAFF_PIN"
PIN_FILE = "staff.pin"  # in data_dir, readable by the kiosk user only
UI_SETTINGS = "ui-settings.json"


@dataclass
class KioskCore:
    settings: KioskSettings
    data_dir: Path
    outbox: Outbox
    reference: ReferenceCache
    history: RequestHistory
    link: ResyncingHubLink
    watch: ReaderWatch  # holds the reader, counts its errors
    session: KioskSession
    stop_reading: threading.Event = field(default_factory=threading.Event)
    reader_thread: threading.Thread | None = None

    @property
    def reader(self) -> ScanSource | None:
        return self.watch.reader

    @property
    def push_key(self) -> WedgeReader | None:
        return self.reader if isinstance(self.reader, WedgeReader) else None

    def start(self) -> None:
        self.link.start()
        if self.reader is not None:
            self.reader_thread = threading.Thread(
                target=self.reader.run,
                args=(self._scanned, self.stop_reading),
                name="reader",
                daemon=True,
            )
            self.reader_thread.start()

    def stop(self) -> None:
        self.stop_reading.set()
        if self.reader_thread is not None:
            self.reader_thread.join(timeout=5)
        self.link.stop()
        self.history.close()
        self.outbox.close()
        self.reference.close()

    def _scanned(self, scan: ScanEvent) -> None:
        """Reader thread: the session writes the outbox first, then the UI hears of it."""
        self.watch.on_scan()
        self.session.scan(scan)
        log.info(
            "scan taken",
            extra={
                "event": "scan_taken",
                "station": self.settings.station,
                "kiosk": self.settings.kiosk,
                "reader": scan.reader_id,
            },
        )


def build_core(
    settings: KioskSettings, config_path: Path, exit_app: Callable[[], None]
) -> KioskCore:
    """Open the kiosk's stores and devices; nothing runs until ``start``."""
    data_dir = resolve_path(config_path, settings.data_dir)
    outbox = Outbox(data_dir / "outbox.db")
    reference = ReferenceCache(data_dir / "reference.db", settings.station)
    history = RequestHistory(data_dir / "outbox.db")
    writer = RequestWriter(
        outbox, settings.station, settings.kiosk, phone_key=phone_key(settings, config_path)
    )
    _, watch = watched_reader(settings, config_path)
    replies: list[KioskSession] = []

    def on_reply(reply: Reply) -> None:
        for session in replies:
            session.on_reply(reply)

    link = ResyncingHubLink(
        settings,
        outbox,
        reader_health=lambda: watch.health,
        reader_errors=lambda: watch.errors,
        on_reply=on_reply,
        reference=reference,
        software="lianxin-0.1",
    )

    def status() -> Status:
        return Status(online=link.connected, waiting=outbox.counts().waiting, reader=watch.health)

    session = KioskSession(
        station=settings.station,
        writer=writer,
        reference=reference,
        history=history,
        status=status,
        counts=outbox.counts,
        wake=link.wake,
        pin_ok=_pin_check(data_dir),
        resync=link.resync,
        exit_app=exit_app,
        default_lang=_default_lang(data_dir, settings.default_lang),
        on_default_lang=lambda lang: _save_default_lang(data_dir, lang),
    )
    replies.append(session)
    return KioskCore(settings, data_dir, outbox, reference, history, link, watch, session)


def _pin_check(data_dir: Path) -> Callable[[str], bool]:
    """The staff PIN from $LIANXIN_STAFF_PIN or data_dir/staff.pin; no PIN: staff mode is shut."""
    pin = os.environ.get(PIN_ENV, "").strip()
    pin_file = data_dir / PIN_FILE
    if not pin and pin_file.exists():
        pin = pin_file.read_text(encoding="utf-8").strip()
    if not pin:
        log.warning("no staff PIN configured (%s or %s): staff mode is disabled", PIN_ENV, pin_file)

    def check(entered: str) -> bool:
        return bool(pin) and hmac.compare_digest(entered.encode(), pin.encode())

    return check


def _default_lang(data_dir: Path, fallback: Lang) -> Lang:
    path = data_dir / UI_SETTINGS
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8")).get("default_lang")
        if stored in ("zh_CN", "en"):
            return "zh_CN" if stored == "zh_CN" else "en"
    return fallback


def _save_default_lang(data_dir: Path, lang: Lang) -> None:
    path = data_dir / UI_SETTINGS
    path.write_text(json.dumps({"default_lang": lang}), encoding="utf-8")
