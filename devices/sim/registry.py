"""Which simulator plays which driver, and how it encodes a card string.

Simulators take the same options as their driver where the wire format
depends on them (terminator, byte order, Wiegand format and size), so a
simulator and a driver configured alike talk to each other.
"""

from __future__ import annotations

from collections.abc import Mapping

from devices import em4100, uid_serial, wiegand
from devices.options import DriverOptions, OptionValue
from devices.sim.emitting import EmittingSim, Encoder
from devices.sim.idcard import IdCardSim
from devices.sim.pty import PtySimulator

SIMULATED_DRIVERS = ("idcard", "em4100", "uid-serial", "barcode", "wiegand")
_SUFFIX = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "any": b"\r\n"}


def start_simulator(driver: str, options: Mapping[str, OptionValue] | None = None) -> PtySimulator:
    """Start a pty simulator for ``driver``; the caller must ``close`` it.

    Raises ``ValueError`` for an unknown driver or option.
    """
    opts = DriverOptions(f"sim {driver}", options)
    if driver == "idcard":
        opts.finish()
        return IdCardSim()
    repeat: float | None = None
    if driver == "em4100":
        encode: Encoder = _em4100_frame
        repeat = opts.number("repeat_s", 0.15) or None
    elif driver == "uid-serial":
        encode = _uid_encoder(opts)
    elif driver == "barcode":
        encode = _barcode_encoder(opts)
    elif driver == "wiegand":
        encode = _wiegand_encoder(opts)
    else:
        raise ValueError(f"no simulator for driver {driver!r}; have {', '.join(SIMULATED_DRIVERS)}")
    opts.finish()
    return EmittingSim(encode, repeat_s=repeat)


def _suffix(opts: DriverOptions) -> bytes:
    return opts.choice("terminator", b"\r\n", _SUFFIX)


def _em4100_frame(card: str) -> bytes:
    try:
        data = bytes.fromhex(card)
    except ValueError:
        raise ValueError(f"EM4100 card must be 10 hex digits, got {card!r}") from None
    if len(data) != 5:
        raise ValueError(f"EM4100 card must be 10 hex digits, got {card!r}")
    return em4100.encode_frame(data)


def _barcode_encoder(opts: DriverOptions) -> Encoder:
    encoding = opts.text("encoding", "utf-8")
    suffix = _suffix(opts)
    return lambda card: card.encode(encoding) + suffix


def _uid_encoder(opts: DriverOptions) -> Encoder:
    order = opts.choice(
        "byte_order", uid_serial.ByteOrder.MSB, {o.value: o for o in uid_serial.ByteOrder}
    )
    separator = opts.text("separator", "")
    suffix = _suffix(opts)

    def encode(card: str) -> bytes:
        uid = bytes.fromhex(card)
        if len(uid) not in uid_serial.UID_LENGTHS:
            raise ValueError(f"UID must be 4, 7 or 10 bytes of hex, got {card!r}")
        return uid_serial.encode_uid(uid, order, separator, suffix)

    return encode


def _wiegand_encoder(opts: DriverOptions) -> Encoder:
    fmt = opts.choice(
        "format", wiegand.OutputFormat.BITS, {f.value: f for f in wiegand.OutputFormat}
    )
    bits = opts.integer("bits", 26, choices=wiegand.FORMATS_BITS)
    suffix = _suffix(opts)

    def encode(card: str) -> bytes:
        facility, sep, number = card.partition(":")
        if not sep or not facility.isdigit() or not number.isdigit():
            raise ValueError(f"Wiegand card is FACILITY:CARD, got {card!r}")
        frame = wiegand.WiegandCard(bits, int(facility), int(number))
        return wiegand.format_line(frame, fmt).encode("ascii") + suffix

    return encode
