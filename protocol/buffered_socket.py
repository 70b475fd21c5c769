"""A paho client that reads the socket 64 KiB at a time, with Nagle off.

paho 2 reads every packet with three or more ``recv`` calls (the fixed
header byte, each length byte, then the rest): under load that was a tenth
of the hub's time in system calls. ``BufferedReadClient`` gives paho a
socket whose ``recv`` is served from a buffer filled by one large read,
and whose ``pending()`` reports what is buffered, which paho's loop already
honours (it is how it drains TLS sockets) so no buffered packet waits for
the next ``select``. It hooks paho's ``_create_socket``; a test checks
the hook is still in place, so a paho upgrade that moves it fails loudly.

paho leaves Nagle's algorithm on. A request is small writes in a row (a
PUBACK, then a reply's PUBLISH): the second waits for the peer's delayed
ACK, ~40 ms on Linux, on every swipe. The socket gets ``TCP_NODELAY``.
"""

from __future__ import annotations

import socket
from typing import Any

import paho.mqtt.client as mqtt

READ_SIZE = 1 << 16


class BufferedSocket:
    """Reads served from a buffer; everything else is the wrapped socket's."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._data = b""
        self._pos = 0

    def recv(self, size: int) -> bytes:
        if self._pos >= len(self._data):
            # Raises BlockingIOError (or ssl.SSLWantReadError) when nothing is
            # there, as paho expects; b"" at the end of the stream.
            self._data = self._sock.recv(max(size, READ_SIZE))
            self._pos = 0
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk

    def take_packet(self) -> tuple[int, bytes] | None:
        """The next whole MQTT packet buffered, as its first byte and its body; else None.

        None when the buffer holds less than a whole packet, or a length
        longer than MQTT allows: the reader then goes through ``recv`` (and
        the socket) as paho always did, and paho reports a bad length itself.
        """
        data, start = self._data, self._pos
        end = len(data)
        length, shift, at = 0, 0, start + 1
        while True:  # the remaining length: 1 to 4 bytes, 7 bits each, low first
            if at >= end or at - start > 4:
                return None
            byte = data[at]
            at += 1
            length |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
        if at + length > end:
            return None
        self._pos = at + length
        return data[start], data[at : at + length]

    def pending(self) -> int:
        """Bytes readable without waiting: ours, plus a TLS socket's own."""
        inner = getattr(self._sock, "pending", None)
        return len(self._data) - self._pos + (inner() if inner is not None else 0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class BufferedReadClient(mqtt.Client):
    def _create_socket(self) -> Any:
        return BufferedSocket(no_delay(super()._create_socket()))


def no_delay(sock: Any) -> Any:
    """``sock`` with Nagle's algorithm off, when it is TCP."""
    if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock
