"""Bearer tokens: one per hub, one for the admin endpoints.

Central keeps only SHA-256 digests of the tokens it reads at start, and
compares the digest of a presented token against every known digest with
``hmac.compare_digest``, without stopping at the first match, so neither
the comparison nor the search order leaks how close a guess was.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from config.settings import CentralSettings

MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class HubIdentity:
    id: str
    stations: list[str]


@dataclass(frozen=True)
class _Known:
    digest: bytes
    hub: HubIdentity | None  # None: the admin token


class TokenError(Exception):
    """A token file that cannot be used; ``str()`` names the file and the problem."""


class TokenBook:
    def __init__(self, known: list[_Known]) -> None:
        self._known = known

    @classmethod
    def from_settings(cls, settings: CentralSettings, base_dir: Path) -> TokenBook:
        known = [
            _Known(_digest(read_token(base_dir, hub.token_file)), HubIdentity(hub.id, hub.stations))
            for hub in settings.hubs
        ]
        if settings.admin_token_file is not None:
            known.append(_Known(_digest(read_token(base_dir, settings.admin_token_file)), None))
        return cls(known)

    def hub_for(self, token: str) -> HubIdentity | None:
        """The hub holding ``token``, or None."""
        hubs = [known.hub for known in self._matches(token) if known.hub is not None]
        return hubs[0] if hubs else None

    def is_admin(self, token: str) -> bool:
        return any(known.hub is None for known in self._matches(token))

    def _matches(self, token: str) -> list[_Known]:
        presented = _digest(token)
        return [known for known in self._known if hmac.compare_digest(presented, known.digest)]


def read_token(base_dir: Path, name: str) -> str:
    """The token in file ``name`` (relative to ``base_dir``), stripped of whitespace."""
    path = Path(name).expanduser()
    path = path if path.is_absolute() else base_dir / path
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise TokenError(f"cannot read token file {path}: {exc.strerror}") from exc
    if len(token) < MIN_TOKEN_CHARS:
        raise TokenError(f"token in {path} is shorter than {MIN_TOKEN_CHARS} characters")
    return token


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", errors="surrogatepass")).digest()
