"""docs/protocol.md is true: its examples validate, its shell walkthrough works."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pydantic import BaseModel, TypeAdapter

from lianxin.broker import BrokerProcess
from protocol.messages import REQUEST_MODELS, MessageType
from protocol.reference import Snapshot
from protocol.replies import HubStatus, KioskStatus, Reply
from protocol.topics import reply_topic
from tests.system.stack import Stack
from tests.waiting import wait_until

DOC = Path(__file__).parents[2] / "docs" / "protocol.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)


def _model_for(message: dict[str, object]) -> type[BaseModel] | TypeAdapter[Snapshot]:
    kind = message["type"]
    if kind in {t.value for t in MessageType}:
        return REQUEST_MODELS[MessageType(kind)]
    return {"reply": Reply, "kiosk_status": KioskStatus, "hub_status": HubStatus}.get(
        str(kind), TypeAdapter(Snapshot)
    )


def test_every_json_example_validates() -> None:
    examples = _blocks("json")
    kinds = {json.loads(text)["type"] for text in examples}
    assert {t.value for t in MessageType} <= kinds, "an example for every request type"
    assert {"reply", "kiosk_status", "hub_status", "reference"} <= kinds
    for text in examples:
        model = _model_for(json.loads(text))
        if isinstance(model, TypeAdapter):
            model.validate_json(text)
        else:
            model.model_validate_json(text)


def test_shell_walkthrough_checks_a_card_in(tmp_path: Path) -> None:
    broker = BrokerProcess(tmp_path / "broker", kind="mosquitto")
    broker.start()
    stack = Stack(tmp_path, broker.info)
    try:
        hub = stack.hub().start()
        probe = stack.probe()
        script = next(block for block in _blocks("sh") if "mosquitto_pub" in block)
        script = script.replace("-p 1883", f"-p {broker.info.port}")
        # As the doc says: run it, then the same publish again with the same $ID.
        publish_again = script.split("\n", 1)[1]
        subprocess.run(["bash", "-ec", f"{script}\n{publish_again}"], check=True, timeout=30)
        replies = wait_until(
            lambda: (
                len(probe.on(reply_topic("st01", "k1"))) == 2
                and probe.on(reply_topic("st01", "k1"))
            ),
            30,
            "two replies",
        )
        assert [(r["status"], r["code"], r["duplicate"]) for r in replies] == [
            ("ok", "checked_in", False),
            ("ok", "checked_in", True),
        ]
        assert hub.count("check_ins") == 1
    finally:
        stack.close()
        broker.stop(kill=True)
