"""How Lianxin speaks MQTT with paho 2.x: one place for session rules.

Both roles use persistent sessions (a stable client id, ``clean_start``
false, a session expiry) so QoS 1 messages wait at the broker while a
kiosk or the hub is away. MQTT 5 is preferred; 3.1.1 works because the
contract never depends on MQTT 5 properties (replies go to a fixed
per-kiosk topic and the request id travels in the payload).
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Protocol

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol.lean_paho import LeanClient

QOS = 1
log = logging.getLogger(__name__)


class BrokerParams(Protocol):
    """What a role knows about its broker (config.settings.BrokerSettings fits)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def protocol(self) -> str: ...
    @property
    def username(self) -> str | None: ...
    @property
    def password_file(self) -> str | None: ...
    @property
    def tls_ca_file(self) -> str | None: ...
    @property
    def keepalive_s(self) -> int: ...
    @property
    def session_expiry_s(self) -> int: ...
    @property
    def reconnect_min_s(self) -> float: ...
    @property
    def reconnect_max_s(self) -> float: ...


def is_mqtt5(broker: BrokerParams) -> bool:
    return broker.protocol == "5"


def make_client(
    client_id: str,
    broker: BrokerParams,
    *,
    will: tuple[str, bytes] | None = None,
    manual_ack: bool = False,
) -> LeanClient:
    """A paho client set up for a persistent session; not yet connected.

    ``will`` is (topic, payload), published retained at QoS 1 by the broker
    when the connection drops without a DISCONNECT.
    """
    version = mqtt.MQTTv5 if is_mqtt5(broker) else mqtt.MQTTv311
    client = LeanClient(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=version,
        clean_session=None if version == mqtt.MQTTv5 else False,
        manual_ack=manual_ack,
    )
    # Our own outbox is the durable queue; paho's in-memory one stays bounded.
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(10_000)
    # paho doubles the delay up to the maximum but adds no jitter; a random
    # first delay per client spreads a hundred kiosks reconnecting after a
    # broker restart, instead of all of them arriving in the same instant.
    first_delay = broker.reconnect_min_s * random.uniform(1.0, 2.0)  # noqa: S311 - not a secret
    client.reconnect_delay_set(
        min_delay=first_delay,  # type: ignore[arg-type]
        max_delay=max(first_delay, broker.reconnect_max_s),  # type: ignore[arg-type]
    )
    if broker.username:
        password = None
        if broker.password_file:
            password = Path(broker.password_file).read_text(encoding="utf-8").strip()
        client.username_pw_set(broker.username, password)
    if broker.tls_ca_file:
        client.tls_set(ca_certs=broker.tls_ca_file)
    if will is not None:
        topic, payload = will
        client.will_set(topic, payload, qos=QOS, retain=True)
    return client


def connect_async(client: mqtt.Client, broker: BrokerParams) -> None:
    """Start connecting (the network loop retries with backoff until it works)."""
    if is_mqtt5(broker):
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = broker.session_expiry_s
        client.connect_async(
            broker.host,
            broker.port,
            keepalive=broker.keepalive_s,
            clean_start=False,
            properties=properties,
        )
    else:
        client.connect_async(broker.host, broker.port, keepalive=broker.keepalive_s)


def correlation_properties(correlation: bytes | None) -> Properties | None:
    """Publish properties echoing a request's CorrelationData (MQTT 5 only)."""
    if correlation is None:
        return None
    properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    properties.CorrelationData = correlation
    return properties
