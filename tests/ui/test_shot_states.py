"""Every screenshot state is reached in the language its file name says (no window)."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.i18n import LANGS
from kiosk.ui.shot_states import stage, steps


def test_every_state_is_staged_in_the_language_of_its_shot(tmp_path: Path) -> None:
    wrong = []
    for n, step in enumerate(steps()):
        for lang in LANGS:
            core = stage(step, lang, tmp_path / f"{n}-{lang}")
            try:
                if core.session.view.lang != lang:
                    wrong.append(f"{step[0]}-{step[1]}-{lang}")
            finally:
                core.close()
    assert wrong == []
