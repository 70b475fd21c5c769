"""free_port hands out ports no outgoing connection can take before the server binds them."""

from __future__ import annotations

import socket

import pytest

from lianxin import broker
from lianxin.broker import _ephemeral_ports, free_port


def test_ports_come_from_outside_the_kernels_range_for_outgoing_connections() -> None:
    low, high = _ephemeral_ports()
    ports = [free_port() for _ in range(50)]
    assert all(not low <= port <= high for port in ports), ports


def test_a_port_is_handed_out_once_and_is_free_to_bind() -> None:
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    with socket.socket() as server:
        server.bind(("127.0.0.1", ports[-1]))
        server.listen()


def test_a_port_someone_listens_on_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search starts right at a port a listener holds and must move past it."""
    low, _ = _ephemeral_ports()
    with socket.socket() as listener:
        for port in range(12_000, low):
            try:
                listener.bind(("127.0.0.1", port))
            except OSError:
                continue
            break
        listener.listen()
        held = listener.getsockname()[1]
        monkeypatch.setattr(
            broker.random, "randrange", lambda _n: held - broker._LOWEST_LISTEN_PORT
        )
        assert free_port() > held
