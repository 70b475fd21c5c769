"""A kiosk speaks only for itself: enforced by the broker from the provisioned config."""

from __future__ import annotations

import json
from pathlib import Path

from lianxin.broker import free_port
from lianxin.processes import RoleProcess
from protocol.topics import reply_topic, request_topic
from tests.security.conftest import Client, Deployment, kiosk_client
from tests.system import envelopes
from tests.waiting import wait_until

NOT_AUTHORIZED = 135  # MQTT 5 reason code 0x87


def _start_hub(deployment: Deployment, tmp_path: Path) -> tuple[RoleProcess, int]:
    config = deployment.directory / "hub" / "hub-1" / "hub.toml"
    http_port = free_port()
    with config.open("a", encoding="utf-8") as extra:
        extra.write(f"\n[http]\nport = {http_port}\n")
    hub = RoleProcess(["hub", "--config", str(config)], tmp_path / "hub.log").start()
    return hub, http_port


def _hub_rows(deployment: Deployment, table: str) -> int:
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    database = deployment.directory / "hub" / "hub-1" / "hub.db"
    if not database.exists():
        return 0
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
    engine.dispose()
    return rows


def test_kiosk_cannot_publish_under_another_kiosks_topics(deployment: Deployment) -> None:
    attacker = kiosk_client(deployment, "st01", "k1")
    assert attacker.wait_connected()
    _, payload, _ = envelopes.check_in(kiosk="k2")
    assert attacker.publish(request_topic("st01", "k2", "check_in"), payload) == NOT_AUTHORIZED
    own = attacker.publish(request_topic("st01", "k1", "check_in"), envelopes.check_in()[1])
    assert not own.is_failure
    attacker.close()


def test_kiosk_cannot_read_another_kiosks_replies(deployment: Deployment) -> None:
    snoop = kiosk_client(deployment, "st01", "k1")
    assert snoop.wait_connected()
    snoop.subscribe(reply_topic("st01", "k2"))
    snoop.subscribe(reply_topic("st01", "k1"))
    hub_password = (deployment.directory / "hub" / "hub-1" / "broker.password").read_text()
    hub = Client(deployment, "hub-hub-1", hub_password.strip())
    assert hub.wait_connected()
    assert not hub.publish(reply_topic("st01", "k2"), b'{"for": "k2"}').is_failure
    assert not hub.publish(reply_topic("st01", "k1"), b'{"for": "k1"}').is_failure
    wait_until(lambda: snoop.messages, 15, "its own reply")
    assert [topic for topic, _ in snoop.messages] == [reply_topic("st01", "k1")]
    snoop.close()
    hub.close()


def test_wrong_password_and_plain_tcp_are_refused(deployment: Deployment) -> None:
    wrong = Client(deployment, "kiosk-st01-k1", "not-the-password")
    assert not wrong.wait_connected()
    plain = Client(deployment, "kiosk-st01-k1", deployment.kiosk_password("st01", "k1"), tls=False)
    assert not plain.wait_connected()
    anonymous = Client(deployment, None, None)
    assert not anonymous.wait_connected()
    for client in (wrong, plain, anonymous):
        client.close()


def test_revoked_kiosk_is_refused(deployment: Deployment) -> None:
    password = deployment.kiosk_password("st01", "k2")
    before = Client(deployment, "kiosk-st01-k2", password)
    assert before.wait_connected()
    before.close()

    deployment.provision(
        "revoke", "--station", "st01", "--kiosk", "k2", "--broker-pid", str(deployment.broker.pid)
    )
    assert "kiosk-st01-k2" not in (deployment.directory / "broker" / "passwords").read_text()

    def refused() -> bool:
        after = Client(deployment, "kiosk-st01-k2", password)
        accepted = after.wait_connected()
        after.close()
        return not accepted

    wait_until(refused, 15, "the reloaded broker to refuse the revoked kiosk")


def test_forged_envelope_is_refused_by_the_hub(deployment: Deployment, tmp_path: Path) -> None:
    hub, _ = _start_hub(deployment, tmp_path)
    try:
        kiosk = kiosk_client(deployment, "st01", "k1")
        assert kiosk.wait_connected()
        kiosk.subscribe(reply_topic("st01", "k1"))
        # Its own topic (the broker allows it), but the envelope claims kiosk k2.
        forged = json.loads(envelopes.check_in(kiosk="k2")[1])
        # Ready means migrated and subscribed: only then is the database worth reading.
        wait_until(lambda: "event=ready" in hub.log(), 60, "hub ready")
        kiosk.publish(request_topic("st01", "k1", "check_in"), json.dumps(forged).encode())
        reply = wait_until(lambda: kiosk.messages, 30, "error reply")[0]
        answer = json.loads(reply[1])
        assert (answer["status"], answer["code"]) == ("error", "topic_mismatch")
        assert _hub_rows(deployment, "inbox") == 0
        kiosk.close()
    finally:
        hub.kill()


def test_provisioned_kiosk_checks_in_over_tls(deployment: Deployment, tmp_path: Path) -> None:
    hub, _ = _start_hub(deployment, tmp_path)
    config = deployment.kiosk_dir("st01", "k1") / "kiosk.toml"
    text = config.read_text(encoding="utf-8").replace(
        '[reader]\ndriver = "none"',
        '[reader]\nsynthetic_count = 5\nsynthetic_interval_s = 0.05\ndriver = "synthetic"',
    )
    config.write_text(text, encoding="utf-8")
    wait_until(lambda: "event=ready" in hub.log(), 30, "hub ready")  # migrated, subscribed
    kiosk = RoleProcess(["kiosk", "--headless", "--config", str(config)], tmp_path / "k1.log")
    kiosk.start()
    try:
        wait_until(lambda: _hub_rows(deployment, "check_ins") == 5, 60, "five check-ins stored")
    finally:
        kiosk.kill()
        hub.kill()
