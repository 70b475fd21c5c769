"""HubLink plus "fetch reference data again", for the staff screen.

Reference snapshots are retained at the broker, so subscribing again makes
the broker send every current snapshot; the cache keeps only newer ones.
A subclass because link.py belongs to the core's transport; a ``resync``
method there would make this file unnecessary.
"""

from __future__ import annotations

import logging

from kiosk.core.link import HubLink
from protocol.mqtt import QOS
from protocol.topics import reference_filter

log = logging.getLogger(__name__)


class ResyncingHubLink(HubLink):
    def resync(self) -> bool:
        """Ask the broker for every retained snapshot again; False when offline."""
        if not self.connected or self._reference is None:
            return False
        topic = reference_filter(self._settings.station)

        def subscribe_again() -> None:
            self._client.unsubscribe(topic)
            self._client.subscribe(topic, qos=QOS)

        self.call_soon(subscribe_again)  # the client belongs to the link's thread
        log.info("reference re-sync requested", extra={"event": "reference_resync"})
        return True
