"""A simulated SAM ID card reader: answers the command/response protocol.

Like the readers described in readers.md, a card left on the reader answers
"find card" again and again; the driver must not read it twice.
"""

from __future__ import annotations

import dataclasses
import select

from devices.idcard.frames import Command, Request, Status, encode_response, parse_requests
from devices.idcard.text import encode_text
from devices.scan import PersonInfo
from devices.sim.pty import PtySimulator

PHOTO_LEN = 1024


@dataclasses.dataclass(frozen=True)
class IdCardSpec:
    """A card to put on the simulated reader. ``card_type`` "I"/"J"/"Y" makes a
    foreign or HK/Macao/Taiwan card; ``read_status`` other than 0x90 makes reads fail."""

    id_number: str
    name: str = "张三明"
    gender: str = "1"
    nation: str = "01"
    card_type: str = " "
    read_status: int = Status.SUCCESS

    @classmethod
    def parse(cls, card: str) -> IdCardSpec:
        """``ID[,NAME[,GENDER[,NATION]]]``."""
        parts = [p.strip() for p in card.split(",")]
        if not parts[0]:
            raise ValueError("an ID card needs an ID number")
        if len(parts) > 4:
            raise ValueError("an ID card is ID[,NAME[,GENDER[,NATION]]]")
        defaults = ["", "张三明", "1", "01"]
        number, name, gender, nation = parts + defaults[len(parts) :]
        return cls(number, name, gender, nation)

    def text(self) -> bytes:
        person = PersonInfo(self.name, self.gender, self.nation, self.id_number[6:14])
        return encode_text(person, self.id_number, self.card_type)


def respond(request: Request, card: IdCardSpec | None, selected: bool) -> tuple[bytes, bool]:
    """The reader's answer to one request and whether the card is now selected."""
    command = request.command
    if command is None:
        return encode_response(Status.COMMAND_ERROR), selected
    if command in (Command.SAM_STATUS, Command.RESET_SAM):
        return encode_response(Status.SUCCESS), selected
    if command is Command.READ_SAM_ID:
        return encode_response(Status.SUCCESS, bytes(16)), selected
    if card is None:
        status = {Command.FIND_CARD: Status.NO_CARD, Command.SELECT_CARD: Status.SELECT_FAILED}
        return encode_response(status.get(command, Status.READ_FAILED)), False
    if command is Command.FIND_CARD:
        return encode_response(Status.FIND_SUCCESS, bytes(4)), selected
    if command is Command.SELECT_CARD:
        return encode_response(Status.SUCCESS, bytes(8)), True
    if not selected:
        return encode_response(Status.NOT_PERMITTED), selected
    if card.read_status != Status.SUCCESS:
        return encode_response(card.read_status), False
    text = card.text()
    header = len(text).to_bytes(2, "big") + PHOTO_LEN.to_bytes(2, "big")
    return encode_response(Status.SUCCESS, header + text + bytes(PHOTO_LEN)), False


class IdCardSim(PtySimulator):
    """Answers requests on the pty; ``reads`` counts successful text reads, ``finds``
    the "find card" requests answered.

    ``mute`` makes the reader stop answering (a hung SAM), to exercise timeouts.
    """

    def __init__(self) -> None:
        self._card: IdCardSpec | None = None
        self._selected = False
        self._buffer = b""
        self.reads = 0
        self.finds = 0
        self.mute = False
        super().__init__()

    def present(self, card: str) -> None:
        self.present_card(IdCardSpec.parse(card))

    def present_card(self, card: IdCardSpec) -> None:
        with self._lock:
            self._card, self._selected = card, False

    def remove(self) -> None:
        with self._lock:
            self._card, self._selected = None, False

    def _tick(self) -> None:
        ready, _, _ = select.select([self._master], [], [], 0.05)
        if not ready:
            return
        parsed = parse_requests(self._buffer + self._read())
        self._buffer = parsed.rest
        for request in parsed.frames:
            with self._lock:
                if self.mute:
                    continue
                answer, self._selected = respond(request, self._card, self._selected)
                if request.command is Command.READ_TEXT_PHOTO and len(answer) > 100:
                    self.reads += 1
                self.finds += request.command is Command.FIND_CARD
            self._write(answer)
        if parsed.errors:  # a real SAM answers a corrupt host frame with 0x10
            self._write(encode_response(Status.HOST_CHECKSUM_ERROR))
