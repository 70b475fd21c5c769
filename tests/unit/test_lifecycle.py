"""A role's process set-up: the malloc arena limit the hub asks glibc for."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

_PROBE = "from config.lifecycle import limit_malloc_arenas; print(limit_malloc_arenas())"


def _probe(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def test_the_arena_limit_is_set_where_glibc_has_it() -> None:
    env = {key: value for key, value in os.environ.items() if key != "MALLOC_ARENA_MAX"}
    assert _probe(env) == str(platform.libc_ver()[0] == "glibc")  # mallopt is glibc's


def test_an_operators_malloc_arena_max_is_left_alone() -> None:
    assert _probe({**os.environ, "MALLOC_ARENA_MAX": "4"}) == "False"
