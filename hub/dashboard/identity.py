"""How staff see a person: a masked name and a shortened credential, nothing more.

The roster holds masked names only (张*明); visitors' names and phones are
masked here before any page shows them. Credentials are card numbers or
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


def mask_name(name: str) -> str:
    """张三丰 → 张*丰, 李四 → 李*, Li Hua → L*a; a name is never shown in full."""
    clean = name.strip()
    if len(clean) <= 1:
        return "*"
    if len(clean) == 2:
        return clean[0] + "*"
    return clean[0] + "*" * (len(clean) - 2) + clean[-1]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


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
