"""What a screen or a page may show of a person: the ends of a name or a phone number.

One set of rules for the kiosk, the dashboard and the reader tools, so a
name is masked the same way wherever it appears.
"""

from __future__ import annotations

MAX_MASKED = 20  # protocol.reference.RosterEntry.masked_name


def mask_name(name: str) -> str:
    """Mask a personal name for display: ``张三明`` -> ``张*明``, ``张三`` -> ``张*``.

    Longer names keep the first and last character (``欧阳娜娜`` -> ``欧**娜``,
    ``LI HUA`` -> ``L****A``); a one-character name is shown as ``*``. At
    most ``MAX_MASKED`` characters, what a roster entry holds.
    """
    clean = name.strip()
    if len(clean) <= 1:
        return "*" * len(clean)
    if len(clean) == 2:
        return clean[0] + "*"
    return clean[0] + "*" * min(len(clean) - 2, MAX_MASKED - 2) + clean[-1]


def mask_phone(phone: str) -> str:
    """138****8000: enough for a person to recognise their own number."""
    if len(phone) <= 7:
        return phone[:2] + "*" * max(0, len(phone) - 2)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
