"""``lianxin central``: migrate, load the hubs' tokens, serve HTTP until a signal."""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from central.api import CentralContext, create_app
from central.auth import TokenBook, TokenError
from central.db import make_engine, migrate, session_factory
from config.settings import CentralSettings

log = logging.getLogger(__name__)


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
    server = uvicorn.Server(config)
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
