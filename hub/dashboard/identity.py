"""How staff see a person: a masked name and a shortened credential, nothing more.

The roster holds masked names only (张*明); visitors' names and phones are
masked (protocol/masking.py) before any page shows them. Credentials are card numbers or
keyed hashes of ID numbers; a page shows their ends, enough to tell two
cards apart at the desk.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from hub.models import RosterEntry

CredentialKey = tuple[str, str]


def short_credential(kind: str, value: str) -> str:
    """``rfid_em4100 3C00…754C``: the kind and the ends of the value."""
    if len(value) <= 8:
        return f"{kind} {value[:2]}…{value[-2:]}" if len(value) > 4 else f"{kind} …"
    return f"{kind} {value[:4]}…{value[-4:]}"


def masked_names(session: Session, keys: Iterable[CredentialKey]) -> dict[CredentialKey, str]:
    """The roster's masked name for each credential it knows."""
    wanted = list(set(keys))
    names: dict[CredentialKey, str] = {}
    for start in range(0, len(wanted), 400):  # keep the IN list small for every backend
        chunk = wanted[start : start + 400]
        rows = session.execute(
            select(
                RosterEntry.credential_kind, RosterEntry.credential, RosterEntry.masked_name
            ).where(tuple_(RosterEntry.credential_kind, RosterEntry.credential).in_(chunk))
        )
        for kind, credential, masked in rows:
            names[(kind, credential)] = masked
    return names
