"""Fixtures for scale-out tests: the domain suite's PostgreSQL fixture (the
broker fixture is the shared one in tests/conftest.py).

The PostgreSQL database is made fresh for the session and dropped after
(see tests/domain/conftest.py); with no server to be had, the PostgreSQL
tests are skipped with the reason in the summary, never silently.
"""

from __future__ import annotations

from tests.domain.conftest import postgres_admin, postgres_url

__all__ = ["postgres_admin", "postgres_url"]
