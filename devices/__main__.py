"""``python -m devices reader ...`` / ``python -m devices sim reader ...``."""

from __future__ import annotations

import sys

from devices.cli import reader_main, sim_main


def main(argv: list[str]) -> int:
    if argv[:1] == ["reader"]:
        return reader_main(argv[1:])
    if argv[:1] == ["sim"]:
        return sim_main(argv[1:])
    print("usage: python -m devices {reader|sim reader} ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
