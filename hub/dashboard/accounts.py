"""Staff accounts: argon2id password hashes, checked in constant-ish time.

``argon2-cffi``'s defaults follow RFC 9106's recommendations; when they
change, ``check_needs_rehash`` upgrades a stored hash at the next login.
An unknown user name still costs one hash, so timing does not tell which
names exist.
"""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.dashboard.models import Role, StaffAccount

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length is what matters (NIST 800-63B)."""
    if len(password) < MIN_PASSWORD:
        return f"password must have at least {MIN_PASSWORD} characters"
    if len(password) > 256:
        return "password is longer than 256 characters"
    return None


def create_account(
    session: Session, username: str, password: str, role: Role, now: datetime
) -> StaffAccount | str:
    """Add an account; returns it, or why not (bad name, weak password, name taken)."""
    if not USERNAME.match(username):
        return "user name: 2-40 characters of a-z 0-9 _ . - starting with a letter or digit"
    problem = password_problem(password)
    if problem is not None:
        return problem
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == username)):
        return f"user {username!r} exists already"
    account = StaffAccount(
        username=username,
        password_hash=_hasher.hash(password),
        role=role.value,
        active=True,
        created_at=now,
        password_changed_at=now,
    )
    session.add(account)
    session.flush()
    return account


def verify_login(session: Session, username: str, password: str) -> StaffAccount | None:
    """The active account whose password this is, or None (never says which part failed)."""
    account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
    if account is None or not account.active:
        _check(_DUMMY_HASH, password)
        return None
    if not _check(account.password_hash, password):
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def set_password(account: StaffAccount, password: str, now: datetime) -> str | None:
    """Replace the password; returns why not, or None when done."""
    problem = password_problem(password)
    if problem is not None:
        return problem
    account.password_hash = _hasher.hash(password)
    account.password_changed_at = now
    return None


def _check(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
