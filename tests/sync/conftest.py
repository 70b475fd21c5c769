from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from hub.db import make_engine, migrate, session_factory


@pytest.fixture
def hub_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A migrated hub database (SQLite) of this test's own."""
    engine = make_engine("sqlite:///hub.db", base_dir=tmp_path)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()
