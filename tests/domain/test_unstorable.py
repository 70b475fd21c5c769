"""A request the database can never store is told so; an outage is not mistaken for one.

The protocol refuses the values known to be unstorable (see
tests/unit/test_protocol.py); this is the net under it. Requests are made
unstorable past the protocol's checks (``model_copy`` does not validate),
then stored through the real inbox on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from hub.db import make_engine, migrate, session_factory
from hub.inbox import Failed, Inbox
from hub.models import InboxEntry
from lianxin.broker import BrokerProcess
from protocol.codec import decode_request
from protocol.messages import CheckInRequest, Credential
from protocol.topics import reply_topic
from tests.domain.hubs import HubWorker, scalar
from tests.system import envelopes
from tests.system.stack import Probe
from tests.waiting import wait_until


def _check_in() -> CheckInRequest:
    topic, payload, _ = envelopes.check_in()
    request = decode_request(topic, payload)
    assert isinstance(request, CheckInRequest)
    return request


def test_a_value_the_database_refuses_is_unstorable_and_nothing_is_stored(engine: Engine) -> None:
    valid = _check_in()
    if engine.dialect.name == "sqlite":  # beyond a 64-bit integer
        bad = valid.model_copy(update={"seq": 2**63})
    else:  # PostgreSQL text cannot hold a NUL
        nul = Credential.model_construct(kind=valid.body.credential.kind, value="3C\x00CE")
        bad = valid.model_copy(update={"body": valid.body.model_copy(update={"credential": nul})})
    inbox = Inbox(session_factory(engine))

    [answer] = inbox.accept_batch([bad])

    assert isinstance(answer, Failed) and answer.unstorable, answer
    with session_factory(engine)() as session:
        assert session.query(InboxEntry).count() == 0


def test_a_database_that_is_down_is_a_failure_to_retry_not_a_refusal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    migrate(engine)
    engine.dispose()
    (tmp_path / "hub.db").unlink()
    (tmp_path / "hub.db").mkdir()  # the file is gone and cannot be opened: an outage
    inbox = Inbox(session_factory(make_engine(f"sqlite:///{tmp_path / 'hub.db'}")))

    [answer] = inbox.accept_batch([_check_in()])

    assert isinstance(answer, Failed) and answer.unstorable is None, answer.error


POISON = "DEADBEEF00"  # the card the test database refuses to store
REFUSE_POISON = f"""
CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
BEGIN
    IF NEW.credential = '{POISON}' THEN
        RAISE EXCEPTION 'value refused for this test' USING ERRCODE = '22023';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_poison BEFORE INSERT ON check_ins
    FOR EACH ROW EXECUTE FUNCTION refuse_poison();
"""


def test_a_real_hub_answers_an_unstorable_request_once_and_keeps_serving(
    tmp_path: Path, broker: BrokerProcess, empty_postgres_url: str
) -> None:
    """Before, the hub logged a failure and sent no reply: the kiosk resent it for ever."""
    engine = make_engine(empty_postgres_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(REFUSE_POISON)
    engine.dispose()
    hub = HubWorker(tmp_path / "hub", broker.info, empty_postgres_url, demo_data=False).start()
    replies_on = reply_topic("st01", "k1")
    probe = Probe(broker.info, replies_on)
    try:
        topic, poison, poison_id = envelopes.check_in(card=POISON, seq=1)
        probe.publish(topic, poison)
        topic, fine, fine_id = envelopes.check_in(seq=2)
        probe.publish(topic, fine)
        replies = wait_until(
            lambda: (
                len(probe.messages) >= 2
                and {r["request_id"]: r for r in probe.on(reply_topic("st01", "k1"))}
            ),
            30,
            "both answered",
        )
    finally:
        probe.close()
        hub.stop()

    refused, stored = replies[poison_id], replies[fine_id]
    assert (refused["status"], refused["code"]) == ("error", "bad_schema")
    assert "value refused for this test" in str(refused["message"])
    assert (stored["status"], stored["code"]) == ("ok", "checked_in")
    assert scalar(empty_postgres_url, "SELECT COUNT(*) FROM inbox") == 1
    assert hub.process is not None and "event=refused" in hub.process.log()
