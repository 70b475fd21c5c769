"""Seal a short secret (a visitor's phone number) to the hub's public key.

The kiosk has only the hub's X25519 public key, so neither its outbox nor
a stolen kiosk nor the broker nor the hub's database holds the number in
clear; only code holding the hub's private key (the staff dashboard, when a
person asks to see it) can open it. Construction: an ephemeral X25519 key
agreement, HKDF-SHA256 over the shared secret (salted with both public
keys), AES-256-GCM. Text form: ``v1.`` + base64url(ephemeral public key ||
nonce || ciphertext and tag).

``cryptography`` is imported only when sealing or opening, so the rest of
``protocol`` stays light.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

PREFIX = "v1."
SEALED_PATTERN = r"^v1\.[A-Za-z0-9_-]{60,400}$"
_INFO = b"lianxin sealed v1"
_KEY_BYTES = 32
_NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed value that cannot be opened: wrong key, altered, or not sealed at all."""


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw 32-byte X25519 keys."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: PLC0415

    private = X25519PrivateKey.generate()
    return _raw_private(private), _raw_public(private.public_key())


def write_key_pair(private_path: Path, public_path: Path) -> None:
    """Write a new key pair as hex: the private file owner-readable only."""
    private, public = new_key_pair()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(private.hex() + "\n")
    public_path.write_text(public.hex() + "\n", encoding="utf-8")


def read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    if len(key) != _KEY_BYTES:
        raise ValueError(f"{path}: expected a {_KEY_BYTES}-byte key in hex")
    return key


def seal(recipient_public: bytes, plaintext: str) -> str:
    from cryptography.hazmat.primitives.asymmetric.x25519 import (  # noqa: PLC0415
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _derive(shared, ephemeral_public, recipient_public)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), ephemeral_public)
    return PREFIX + base64.urlsafe_b64encode(ephemeral_public + nonce + sealed).decode().rstrip("=")


def open_sealed(recipient_private: bytes, text: str) -> str:
    """The plaintext, or SealError."""
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.x25519 import (  # noqa: PLC0415
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    if not text.startswith(PREFIX):
        raise SealError("not a sealed value")
    body = text[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise SealError("sealed value is not base64url") from exc
    if len(raw) < _KEY_BYTES + _NONCE_BYTES + 16:
        raise SealError("sealed value is too short")
    ephemeral_public = raw[:_KEY_BYTES]
    nonce = raw[_KEY_BYTES : _KEY_BYTES + _NONCE_BYTES]
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    recipient_public = _raw_public(private.public_key())
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _derive(shared, ephemeral_public, recipient_public)
    try:
        plain = AESGCM(key).decrypt(nonce, raw[_KEY_BYTES + _NONCE_BYTES :], ephemeral_public)
    except InvalidTag as exc:
        raise SealError("sealed value was altered or sealed to another key") from exc
    return plain.decode("utf-8")


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: PLC0415

    hkdf = HKDF(hashes.SHA256(), _KEY_BYTES, ephemeral_public + recipient_public, _INFO)
    return hkdf.derive(shared)


def _raw_private(key: object) -> bytes:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    return key.private_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def _raw_public(key: object) -> bytes:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    return key.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
