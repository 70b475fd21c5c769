"""The lease table: which hub worker runs each once-only job (see hub.leases)."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models import Base


class HubLease(Base):
    """One row per once-only job ("retention", "sync", ...), shared by a hub's workers.

    ``expires_at`` and ``renewed_at`` are seconds since the epoch *by the
    database's clock*, so workers whose clocks disagree still agree on
    who holds a lease. ``term`` grows by one each time the lease changes
    hands: a fencing number for logs and for jobs that want one.
    """

    __tablename__ = "hub_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    term: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)
    renewed_at: Mapped[float] = mapped_column(Float)
