"""Signed-in browsers: a random token in a signed cookie, a row per session in the database.

The cookie carries the token signed with the hub's session secret (so a
forged or truncated cookie is refused before any query); the database
keeps only the token's SHA-256, so a copy of the database cannot be used
to sign in. Sessions end after ``IDLE`` without use or ``LIFETIME`` at most.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session

from hub.dashboard.models import StaffAccount, StaffSession

IDLE = timedelta(hours=4)
LIFETIME = timedelta(hours=12)
COOKIE = "lianxin_staff"


@dataclass(frozen=True)
class Staff:
    """The signed-in person as pages and actions see them."""

    id: int
    username: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def load_secret(path: Path) -> bytes:
    """The signing secret; made (0600) on first start so a fresh hub just works."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR
        )
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()


class SessionCookies:
    """Signs and reads session cookies; stateless apart from the secret."""

    def __init__(self, secret: bytes) -> None:
        self._serializer = URLSafeSerializer(secret, salt="lianxin-staff-session")

    def sign(self, token: str) -> str:
        return str(self._serializer.dumps(token))

    def token(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            value = self._serializer.loads(cookie)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def open_session(session: Session, account: StaffAccount, now: datetime) -> str:
    """Start a session for ``account``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            staff_id=account.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + LIFETIME,
        )
    )
    return token


def find_staff(session: Session, token: str, now: datetime) -> Staff | None:
    """The staff member behind a live session token (and mark the session used)."""
    row = session.get(StaffSession, _digest(token))
    if row is None or row.expires_at <= now or row.last_seen_at + IDLE <= now:
        return None
    account = session.get(StaffAccount, row.staff_id)
    if account is None or not account.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute, not per click
        row.last_seen_at = now
    return Staff(account.id, account.username, account.role, row.csrf_token)


def close_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


def close_all_sessions(session: Session, staff_id: int) -> None:
    """Sign an account out everywhere (password reset, account disabled)."""
    session.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
