"""Plug the domain into the hub at start: reference builders, demo data, timers.

The hub calls ``setup_domain`` once, before its worker connects. It
returns the running parts so a caller can stop them; they are also
stopped at interpreter exit, since ``hub.app`` does not yet hold the
handle (see the domain's report).
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from config.settings import HubSettings
from hub.domain.demo import load_demo
from hub.domain.no_show import NoShowTimer
from hub.domain.reference_data import build_activities, build_rooms, build_services, build_slots
from hub.domain.refresh import ReferenceRefresher
from hub.reference import ReferencePublisher


@dataclass
class DomainServices:
    refresher: ReferenceRefresher
    no_show: NoShowTimer

    def stop(self) -> None:
        self.no_show.stop()
        self.refresher.stop()


def setup_domain(
    settings: HubSettings, sessions: sessionmaker[Session], publisher: ReferencePublisher
) -> DomainServices:
    """Register domain reference tables with ``publisher``; load demo data if asked."""
    publisher.register("rooms", build_rooms)
    publisher.register("activities", build_activities)
    publisher.register("services", build_services)
    publisher.register("slots", build_slots)
    if settings.demo_data:
        load_demo(sessions, datetime.now(UTC))
    refresher = ReferenceRefresher(publisher.changed)
    refresher.attach(sessions)
    no_show = NoShowTimer(sessions)
    no_show.start()
    services = DomainServices(refresher, no_show)
    atexit.register(services.stop)
    return services
