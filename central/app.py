"""``lianxin central``: migrate, load the hubs' tokens, serve HTTP until a signal."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from types import FrameType

import uvicorn

from central.api import CentralContext, create_app
from central.auth import TokenBook, TokenError
from central.db import make_engine, migrate, session_factory
from config.lifecycle import freeze_startup_heap
from config.settings import CentralSettings

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn, but a stop signal ends the process with exit code 0.

    uvicorn re-raises SIGTERM / SIGINT after its graceful shutdown so the
    process dies by the signal; a Lianxin role that stopped cleanly exits 0
    instead (systemd and the tests read that as a clean stop). A second
    SIGINT still forces the exit, as in uvicorn.
    """

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


def run_central(settings: CentralSettings, base_dir: Path) -> int:
    """Serve until SIGTERM / SIGINT (uvicorn handles both and drains); 0 on a clean stop.

    Paths in ``settings`` are relative to ``base_dir`` (the config's
    directory). With ``[tls]`` uvicorn serves HTTPS itself; otherwise run
    behind a TLS-terminating reverse proxy (docs/central.md).
    """
    try:
        tokens = TokenBook.from_settings(settings, base_dir)
    except TokenError as exc:
        log.error("cannot start: %s", exc, extra={"event": "central_config_error"})
        return 2
    engine = make_engine(settings.database_url, base_dir=base_dir)
    migrate(engine)
    app = create_app(CentralContext(session_factory(engine), tokens))
    tls = settings.tls
    config = uvicorn.Config(
        app,
        host=settings.http.host,
        port=settings.http.port,
        log_config=None,  # keep our structured log lines
        access_log=False,
        ssl_certfile=str(base_dir / tls.cert_file) if tls else None,
        ssl_keyfile=str(base_dir / tls.key_file) if tls else None,
        timeout_graceful_shutdown=10,
    )
    server = _Server(config)
    # Everything loaded so far (FastAPI, pydantic, SQLAlchemy: ~100,000 objects)
    # lives as long as the process; frozen, the cyclic collector stops scanning
    # it each time a batch's parsed JSON fills the young generations.
    freeze_startup_heap()
    log.info(
        "central serving on %s://%s:%d%s for %d hubs",
        "https" if tls else "http",
        settings.http.host,
        settings.http.port,
        "/api/v1",
        len(settings.hubs),
        extra={"event": "central_started"},
    )
    server.run()
    engine.dispose()
    log.info("central stopped", extra={"event": "central_stopped"})
    return 0 if server.started else 1
