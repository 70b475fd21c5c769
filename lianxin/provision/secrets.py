"""Secrets on disk: random, owner-readable only, never printed."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

# Kiosk and hub passwords are 256 random bits, so key stretching adds little;
# the count still makes a stolen password file slower to test.
PBKDF2_ITERATIONS = 1000


def new_password() -> str:
    return secrets.token_urlsafe(32)


def write_secret(path: Path, data: bytes | str) -> None:
    """Write ``data`` so that only the owner can read it (0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode() if isinstance(data, str) else data
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)
    temporary.replace(path)


def mosquitto_hash(password: str) -> str:
    """Mosquitto 2's password-file hash: ``$7$<iterations>$<salt>$<PBKDF2-SHA512>``."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    return (
        f"$7${PBKDF2_ITERATIONS}${base64.b64encode(salt).decode()}"
        f"${base64.b64encode(digest).decode()}"
    )
