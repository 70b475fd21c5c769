"""Find every msgid the kiosk UI uses: ``t("…")``, ``tr(lang, "…")``, ``N_("…")``.

Used by the tests (every msgid has a Chinese translation, no stale entries)
and by ``python -m kiosk.core.i18n_extract`` to list what a translator needs.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

UI_DIR = Path(__file__).resolve().parent.parent / "ui"


def msgids(root: Path = UI_DIR) -> set[str]:
    found: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                text = _msgid(node)
                if text is not None:
                    found.add(text)
    return found


def _msgid(call: ast.Call) -> str | None:
    func = call.func
    name = (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )
    position = {"t": 0, "N_": 0, "tr": 1}.get(name)
    if position is None or len(call.args) <= position:
        return None
    arg = call.args[position]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


if __name__ == "__main__":
    for msgid in sorted(msgids()):
        sys.stdout.write(f"{msgid}\n")
