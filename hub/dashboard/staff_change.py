"""One staff action = one transaction, then kiosks hear what it changed.

Domain functions note the reference tables they touch on the session
(``hub.domain.changes``). A staff action takes those names before its
commit, so the hub's background refresher does not publish them a second
time, and republishes them itself right after the commit: the page that
comes back already reflects what kiosks are being sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from hub.domain.changes import take_changed
from hub.reference import ReferencePublisher


@contextmanager
def staff_change(
    sessions: sessionmaker[Session], publisher: ReferencePublisher
) -> Iterator[Session]:
    """A transaction for one staff action; publishes the changed reference tables after it."""
    with sessions.begin() as session:
        yield session
        names = take_changed(session)
    for name in sorted(names):
        publisher.changed(name)
