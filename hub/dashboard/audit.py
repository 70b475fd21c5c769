"""The audit log: every change staff make, in the transaction that makes it.

Writing the entry in the same transaction means there is no change
without its entry and no entry for a change that rolled back. ``detail``
is JSON of ids and codes, never a person's name or credential.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.dashboard.models import AuditEntry

log = logging.getLogger(__name__)
Detail = dict[str, str | int | float | bool | None]


def record(
    session: Session,
    username: str,
    action: str,
    target: str,
    now: datetime,
    *,
    detail: Detail | None = None,
) -> None:
    """Add one audit entry (committed with the caller's transaction)."""
    session.add(
        AuditEntry(
            at=now,
            username=username,
            action=action,
            target=target,
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )
    log.info(
        "staff %s: %s %s",
        username,
        action,
        target,
        extra={"event": "dashboard_audit", "action": action},
    )


def recent(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
