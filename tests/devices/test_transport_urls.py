"""The same driver over pyserial URLs other than a device path."""

from __future__ import annotations

import socket
import threading

from devices.em4100 import encode_frame
from tests.waiting import wait_until


def test_em4100_over_socket_url(run_reader):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    ready = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            ready.wait(10)  # the driver drops stale input when it opens: send after that
            conn.sendall(b"\x00noise" + encode_frame(bytes.fromhex("3C00CE754C")))
            conn.recv(1)  # hold the connection until the reader closes it

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        reader = run_reader("em4100", f"socket://127.0.0.1:{port}")
        wait_until(lambda: reader.source.health == "ok", message="socket open")
        ready.set()
        wait_until(lambda: reader.scans, message="a scan over socket://")
        assert reader.scans[0].credential == "3C00CE754C"
        assert reader.source.health == "ok"
    finally:
        server.close()
