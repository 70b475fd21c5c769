"""Serve the staff dashboard from inside the hub: uvicorn on a thread of its own.

The hub's main thread owns signals, so uvicorn runs without installing
handlers (it skips them off the main thread) and stops when ``stop()``
sets ``should_exit``. The listening socket is bound in ``start()`` so a
port already taken fails the hub's start loudly, and port 0 works for
tests (``port`` then tells the one chosen).
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn

from hub.dashboard.app import build_app
from hub.dashboard.context import DashboardContext

__all__ = ["DashboardContext", "DashboardServer"]
log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 10.0


class DashboardServer:
    """Owns one daemon thread running uvicorn; ``start``/``stop`` from the hub's thread."""

    def __init__(self, context: DashboardContext) -> None:
        self._context = context
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("dashboard not started")
        return int(self._socket.getsockname()[1])

    def start(self) -> None:
        settings = self._context.settings
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((settings.host, settings.port))
        self._socket = listener
        config = uvicorn.Config(
            build_app(self._context),
            log_config=None,  # keep the hub's structured logging
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, name="dashboard", daemon=True
        )
        self._thread.start()
        log.info(
            "staff dashboard on http://%s:%d/",
            settings.host,
            self.port,
            extra={"event": "dashboard_started"},
        )

    def wait_started(self, timeout_s: float = 10.0) -> bool:
        """True once uvicorn accepts connections (tests and the screenshot tool)."""
        server = self._server
        if server is None:
            return False
        pause = threading.Event()  # never set: a plain pause between polls
        deadline = time.monotonic() + timeout_s
        while not server.started and time.monotonic() < deadline:
            pause.wait(0.02)
        return server.started

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_S)
            if self._thread.is_alive():
                log.warning("dashboard did not stop in time", extra={"event": "dashboard_stuck"})
        if self._socket is not None:
            self._socket.close()
        log.info("staff dashboard stopped", extra={"event": "dashboard_stopped"})
