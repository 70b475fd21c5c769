"""Typed settings for every role, read from TOML.

Unknown keys, wrong types and missing values are errors: a typo in a
station's config must stop the program with a message, not be ignored.
Relative paths are taken relative to the directory of the config file.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from protocol.topics import NAME_PATTERN

Name = Annotated[str, Field(pattern=NAME_PATTERN)]
Port = Annotated[int, Field(ge=1, le=65535)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class BrokerSettings(_Section):
    host: str = "127.0.0.1"
    port: Port = 1883
    # "5" uses MQTT 5 properties and shared subscriptions; "3.1.1" is for
    # brokers that lack them (the embedded demo broker). The contract works on both.
    protocol: Literal["5", "3.1.1"] = "5"
    username: str | None = None
    password_file: str | None = None
    tls_ca_file: str | None = None
    keepalive_s: Annotated[int, Field(ge=5, le=3600)] = 30
    # How long the broker keeps our session (subscriptions, queued QoS 1) while we are away.
    session_expiry_s: Annotated[int, Field(ge=0)] = 7 * 24 * 3600
    reconnect_min_s: Annotated[float, Field(gt=0)] = 0.5
    reconnect_max_s: Annotated[float, Field(gt=0)] = 30.0


class HttpSettings(_Section):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080  # 0 picks a free port


class StationSettings(_Section):
    """A station this hub serves; reference data is published per station."""

    id: Name
    name_zh: Annotated[str, Field(min_length=1, max_length=60)]
    name_en: Annotated[str, Field(min_length=1, max_length=60)]
    idle_timeout_s: Annotated[int, Field(ge=5, le=600)] = 30


class CentralLinkSettings(_Section):
    """How the hub reaches central records (issue 7). Absent: no sync.

    ``url`` is central's API root (e.g. ``https://central.example/api/v1``);
    ``token_file`` holds this hub's bearer token, relative to the config's
    directory. Retries back off from ``retry_min_s`` to ``retry_max_s``.
    """

    url: Annotated[str, Field(pattern=r"^https?://")]
    token_file: str
    tls_ca_file: str | None = None
    # Records per POST: central's cost per request is mostly fixed (~4.5 ms
    # of CPU), so big batches are what makes a backlog sync fast; 1,000 is
    # the most central accepts.
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 1000
    timeout_s: Annotated[float, Field(gt=0)] = 10.0
    push_interval_s: Annotated[float, Field(gt=0)] = 1.0
    pull_interval_s: Annotated[float, Field(gt=0)] = 30.0
    retry_min_s: Annotated[float, Field(gt=0)] = 0.5
    retry_max_s: Annotated[float, Field(gt=0)] = 300.0


class DashboardSettings(_Section):
    """The staff dashboard the hub serves (issue 8)."""

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8081
    # Secret that signs staff session cookies; relative to the config file.
    session_secret_file: str = "dashboard-session.key"  # noqa: S105 - a file name, not a secret
    # A kiosk silent this long is shown offline and raised as an alert.
    offline_after_s: Annotated[int, Field(ge=10)] = 120


class RetentionSettings(_Section):
    """How long personal data is kept at the hub (see docs/privacy.md)."""

    # Long enough for the yearly figures the centre reports upward.
    personal_data_days: Annotated[int, Field(ge=1)] = 400
    # Visitors' names and phones: the kiosk's consent notice says "at most one year".
    visitor_days: Annotated[int, Field(ge=1, le=365)] = 365
    # Records central has confirmed; kept a while for operators to inspect.
    synced_days: Annotated[int, Field(ge=0)] = 7
    interval_s: Annotated[float, Field(gt=0)] = 3600.0


class HubSettings(_Section):
    hub_id: Annotated[str, Field(min_length=1, max_length=64)] = "hub-1"
    database_url: str = "sqlite:///hub.db"
    # Several hub workers share the request stream through $share (MQTT 5 brokers).
    shared_subscription: bool = True
    broker: BrokerSettings = BrokerSettings()
    http: HttpSettings = HttpSettings()
    stations: list[StationSettings] = Field(default_factory=list)
    central: CentralLinkSettings | None = None
    dashboard: DashboardSettings | None = None
    retention: RetentionSettings = RetentionSettings()
    # The private half of the key pair visitors' phone numbers are sealed to,
    # kept at the hub; its public half goes to the kiosks. Nothing reads it
    # yet: no feature opens a sealed number (the dashboard shows the masked form).
    phone_key_file: str | None = None
    # Requests a second one kiosk may send on average, and its burst; above
    # that the hub drops them unanswered (the kiosk resends later). At or
    # above the kiosk's replay pacing (PacingSettings.max_per_second), so a
    # station back from a week offline is never throttled by its own hub;
    # a runaway or hostile client is still held to it.
    kiosk_rate_per_s: Annotated[float, Field(gt=0)] = 5000.0
    kiosk_burst: Annotated[int, Field(ge=1)] = 10_000
    # Load the demo centre (stations' rooms, a week of activities, services).
    demo_data: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class ReaderSettings(_Section):
    # "none": no reader attached; "synthetic": generated scans (demo, tests);
    # otherwise a driver name from devices (idcard, em4100, uid-serial, ...).
    driver: str = "none"
    port: str = ""
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)
    synthetic_interval_s: Annotated[float, Field(gt=0)] = 1.0
    synthetic_count: Annotated[int, Field(ge=0)] = 0  # 0 = unlimited
    synthetic_seed: int = 0


class PacingSettings(_Section):
    """Replay after an outage: in order, at most this fast, this many unanswered.

    ``max_in_flight`` is the real back-pressure: the kiosk sends a request
    only when one of the unanswered ones is answered, so it never sends
    faster than the hub stores. 1000 (was 200) keeps a hub that commits in
    groups busy while replies are on their way back; 100,000 queued scans
    fit in well under 30 s if the hub keeps up. ``max_per_second`` is a
    ceiling for a hub that answers fast: 5000 (was 500) is the rate a
    100,000-scan week needs with margin (3,400/s for 30 s). It must stay
    at or below the hub's ``kiosk_rate_per_s``, or the hub drops requests
    unanswered and they wait ``resend_after_s``; the kiosk's bursts are
    50 ms worth (250 at 5000/s), well inside the hub's ``kiosk_burst``.
    """

    max_per_second: Annotated[float, Field(gt=0)] = 5000.0
    max_in_flight: Annotated[int, Field(ge=1, le=1000)] = 1000
    resend_after_s: Annotated[float, Field(gt=0)] = 30.0


class KioskSettings(_Section):
    station: Name
    kiosk: Name
    data_dir: str = "kiosk-data"
    id_hash_key_file: str | None = None
    # The hub's public key for sealing visitors' phone numbers; without it the
    # kiosk does not take visitor registrations.
    phone_key_file: str | None = None
    default_lang: Literal["zh_CN", "en"] = "zh_CN"
    broker: BrokerSettings = BrokerSettings()
    reader: ReaderSettings = ReaderSettings()
    pacing: PacingSettings = PacingSettings()
    # Answered requests stay in the outbox this long (to show answers at the
    # next scan), then are deleted: they hold personal data.
    outbox_retention_days: Annotated[int, Field(ge=1)] = 30
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class CentralHubSettings(_Section):
    """A hub allowed to talk to central, and the file holding its bearer token.

    ``stations`` limits which stations' online bookings the hub is offered;
    empty means every station.
    """

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    token_file: str
    stations: list[Name] = Field(default_factory=list)


class CentralTlsSettings(_Section):
    """Serve HTTPS directly with uvicorn (else put a TLS reverse proxy in front)."""

    cert_file: str
    key_file: str


class CentralSettings(_Section):
    """Central records (issue 7). Paths are relative to the config's directory."""

    database_url: str = "sqlite:///central.db"
    http: HttpSettings = HttpSettings(port=8090)
    hubs: list[CentralHubSettings] = Field(default_factory=list)
    admin_token_file: str | None = None  # absent: the admin endpoints refuse everyone
    tls: CentralTlsSettings | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
