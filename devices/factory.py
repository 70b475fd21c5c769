"""Open a reader by driver name: the one entry point the kiosk calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from devices import barcode, em4100, uid_serial, wiegand
from devices.dedupe import Deduplicator
from devices.delivery import ScanDelivery
from devices.idcard.driver import IdCardReader
from devices.idhash import MIN_KEY_BYTES
from devices.lines import Terminator
from devices.options import DriverOptions, OptionValue
from devices.pcsc import PcscReader
from devices.reads import ErrorCallback
from devices.scan import CredentialKind, ScanSource
from devices.stream import StreamReader
from devices.transport import SerialLink
from devices.wedge import WedgeClassifier, WedgeReader

Builder = Callable[[str, str, bytes, DriverOptions, "ErrorCallback | None"], ScanSource]
ReaderSetting = Literal["driver", "port", "options", "id_hash_key"]


class ReaderSettingError(ValueError):
    """A reader setting ``open_reader`` cannot use; ``setting`` says which one.

    A config loader maps ``setting`` to the key the operator wrote.
    """

    def __init__(self, setting: ReaderSetting, message: str) -> None:
        super().__init__(message)
        self.setting: ReaderSetting = setting


def open_reader(
    driver: str,
    port: str,
    *,
    reader_id: str,
    id_hash_key: bytes,
    options: Mapping[str, OptionValue] | None = None,
    on_error: ErrorCallback | None = None,
) -> ScanSource:
    """Build the ``ScanSource`` for ``driver`` on ``port`` (a path or a pyserial URL).

    Nothing is opened yet: ``run`` opens (and reopens) the port. Raises
    ``ReaderSettingError`` (a ``ValueError``) for an unknown driver, a port
    the driver cannot use, an unknown option or a bad value, and for an ID
    card reader without a usable ``id_hash_key``; raises
    ``DriverUnavailableError`` when an optional dependency is missing
    (``pcsc`` without pyscard). ``on_error``
    (optional) receives every ``ReaderError`` from the run loop's thread.
    Options common to serial drivers: ``baud``, ``dedupe_window_s``,
    ``reconnect_initial_s``, ``reconnect_max_s``; see docs/devices.md.
    """
    builder = _BUILDERS.get(driver)
    if builder is None:
        raise ReaderSettingError(
            "driver", f"unknown driver {driver!r}; known: {', '.join(DRIVERS)}"
        )
    opts = DriverOptions(driver, options)
    try:
        source = builder(port, reader_id, id_hash_key, opts, on_error)
        opts.finish()
    except ReaderSettingError:
        raise
    except ValueError as exc:
        # DriverOptions and the readers' constructors check option values.
        raise ReaderSettingError("options", str(exc)) from exc
    return source


def check_reader(
    driver: str,
    port: str,
    *,
    id_hash_key: bytes,
    options: Mapping[str, OptionValue] | None = None,
) -> None:
    """Raise what ``open_reader`` would for these settings; keep no reader.

    Building a reader opens nothing, so a role may check its config with
    this before it touches anything on disk.
    """
    open_reader(driver, port, reader_id="check", id_hash_key=id_hash_key, options=options)


def _link(port: str, reader_id: str, opts: DriverOptions, baud: int) -> SerialLink:
    if not port:
        raise ReaderSettingError(
            "port", "a serial reader needs a port: a device such as /dev/ttyUSB0 or a pyserial URL"
        )
    return SerialLink(
        port,
        reader_id=reader_id,
        baudrate=opts.integer("baud", baud),
        backoff_initial_s=opts.number("reconnect_initial_s", 0.1, minimum=0.001),
        backoff_max_s=opts.number("reconnect_max_s", 5.0, minimum=0.001),
    )


def _dedupe(opts: DriverOptions, hold_gap_s: float = 0.0) -> Deduplicator:
    hold = opts.number("hold_gap_s", hold_gap_s)
    return Deduplicator(opts.number("dedupe_window_s", 3.0), hold_gap_s=hold or None)


def _terminator(opts: DriverOptions) -> Terminator:
    return opts.choice("terminator", Terminator.ANY, {t.value: t for t in Terminator})


def _idcard(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    if len(key) < MIN_KEY_BYTES:
        raise ReaderSettingError(
            "id_hash_key", f"the idcard driver needs an id hash key of {MIN_KEY_BYTES}+ bytes"
        )
    return IdCardReader(
        _link(port, reader_id, opts, 115200),
        id_hash_key=key,
        dedupe=_dedupe(opts),
        on_error=on_error,
        poll_interval_s=opts.number("poll_interval_s", 0.25, minimum=0.01),
        response_timeout_s=opts.number("response_timeout_s", 1.0, minimum=0.05),
        read_attempts=opts.integer("read_attempts", 3),
    )


def _em4100(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    link = _link(port, reader_id, opts, 9600)
    return StreamReader(link, em4100.decode, dedupe=_dedupe(opts, 0.5), on_error=on_error)


def _uid_serial(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    order = opts.choice(
        "byte_order", uid_serial.ByteOrder.MSB, {o.value: o for o in uid_serial.ByteOrder}
    )
    decode = uid_serial.make_decoder(_terminator(opts), order)
    link = _link(port, reader_id, opts, 9600)
    return StreamReader(link, decode, dedupe=_dedupe(opts), on_error=on_error)


def _barcode(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    decode = barcode.make_decoder(_kind(opts), _terminator(opts), opts.text("encoding", "utf-8"))
    link = _link(port, reader_id, opts, 9600)
    return StreamReader(link, decode, dedupe=_dedupe(opts), on_error=on_error)


def _wiegand(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    fmt = opts.choice(
        "format", wiegand.OutputFormat.BITS, {f.value: f for f in wiegand.OutputFormat}
    )
    bits = opts.integer("bits", 26, choices=wiegand.FORMATS_BITS)
    decode = wiegand.make_decoder(fmt, bits, _terminator(opts))
    link = _link(port, reader_id, opts, 9600)
    return StreamReader(link, decode, dedupe=_dedupe(opts), on_error=on_error)


def _kind(opts: DriverOptions) -> CredentialKind:
    return opts.choice(
        "kind", CredentialKind.QR, {"qr": CredentialKind.QR, "barcode": CredentialKind.BARCODE}
    )


def _wedge(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    if port not in ("ui", "-", ""):
        raise ReaderSettingError(
            "port",
            "wedge driver: port must be 'ui' (keys pushed by the UI); "
            "an evdev transport is not implemented yet",
        )
    classifier = WedgeClassifier(
        threshold_s=opts.number("threshold_ms", 30.0, minimum=1.0) / 1000,
        min_length=opts.integer("min_length", 4),
    )
    return WedgeReader(ScanDelivery(reader_id, _dedupe(opts), on_error), classifier, _kind(opts))


def _pcsc(
    port: str, reader_id: str, key: bytes, opts: DriverOptions, on_error: ErrorCallback | None
) -> ScanSource:
    delivery = ScanDelivery(reader_id, _dedupe(opts), on_error)
    return PcscReader(port, delivery, opts.number("poll_interval_s", 0.2, minimum=0.01))


_BUILDERS: dict[str, Builder] = {
    "idcard": _idcard,
    "em4100": _em4100,
    "uid-serial": _uid_serial,
    "barcode": _barcode,
    "wiegand": _wiegand,
    "wedge": _wedge,
    "pcsc": _pcsc,
}
DRIVERS = tuple(_BUILDERS)
