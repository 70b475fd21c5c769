"""Synthetic cards for the demo and tests: reproducible from a seed, all valid.

Every card is returned in the card syntax its simulator's ``present`` takes.
None of these are real people: ID numbers are random (with a correct GB 11643
check character) and names are drawn from common characters.
"""

from __future__ import annotations

import datetime as dt
import random

from devices.idcard.number import check_character

# County-level codes (GB/T 2260) for a plausible spread of places.
_REGIONS = ("110101", "110105", "310101", "310115", "440305", "440106", "330106", "510107")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


class SyntheticCards:
    """A seeded source of cards. Same seed, same sequence."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def id_number(self) -> str:
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=self._rng.randrange(0, 365 * 65))
        first17 = f"{self._rng.choice(_REGIONS)}{birth:%Y%m%d}{self._rng.randrange(1000):03d}"
        return first17 + check_character(first17)

    def name(self) -> str:
        given = "".join(self._rng.choice(_GIVEN) for _ in range(self._rng.choice((1, 2))))
        return self._rng.choice(_SURNAMES) + given

    def id_card(self) -> str:
        """``ID,NAME,GENDER,NATION``; gender follows the sequence digit like a real number."""
        number = self.id_number()
        gender = "1" if int(number[16]) % 2 else "2"
        nation = self._rng.choice(("01", "01", "01", "03", "05", "08", "11"))
        return f"{number},{self.name()},{gender},{nation}"

    def em4100(self) -> str:
        return self._rng.randbytes(5).hex().upper()

    def uid(self) -> str:
        return self._rng.randbytes(self._rng.choice((4, 4, 7))).hex().upper()

    def barcode(self) -> str:
        return f"LX-{self._rng.randrange(10**12):012d}"

    def wiegand(self) -> str:
        return f"{self._rng.randrange(256)}:{self._rng.randrange(65536)}"

    def for_driver(self, driver: str) -> str:
        makers = {
            "idcard": self.id_card,
            "em4100": self.em4100,
            "uid-serial": self.uid,
            "barcode": self.barcode,
            "wiegand": self.wiegand,
        }
        if driver not in makers:
            raise ValueError(f"no synthetic cards for driver {driver!r}")
        return makers[driver]()
