"""Which reference tables a transaction changed, published only after it commits.

Handlers run inside the inbox's transaction and cannot know whether it
will commit; they note the table names on the session, and a listener
set up at hub start (``hub.domain.refresh``) hands them to the publisher
after the commit, or forgets them on a rollback.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

_KEY = "lianxin_reference_changed"


def mark_changed(session: Session, *names: str) -> None:
    session.info.setdefault(_KEY, set()).update(names)


def take_changed(session: Session) -> set[str]:
    """The names noted so far, cleared (each commit publishes its own)."""
    names: set[str] = session.info.pop(_KEY, set())
    return names
