"""Plug the domain into the hub at start: reference builders, demo data.

Placeholder until the domain lands (issue 6): nothing to register yet.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from config.settings import HubSettings
from hub.reference import ReferencePublisher


def setup_domain(
    settings: HubSettings, sessions: sessionmaker[Session], publisher: ReferencePublisher
) -> None:
    """Register domain reference tables with ``publisher``; load demo data if asked."""
    del settings, sessions, publisher
