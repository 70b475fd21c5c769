"""The hub's domain: rooms, bookings, activities, services, registrations (issue 6).

Importing the package registers the domain tables on ``hub.models.Base``'s
metadata, which Alembic and the schema test compare against.
"""

from hub.domain import models, records

__all__ = ["models", "records"]
