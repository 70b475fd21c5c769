"""The hub's time columns store instants: UTC on the way in, aware UTC on the way out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, DateTime, Engine, MetaData, Table, create_engine, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import StatementError

from hub.models import UtcDateTime


def _table() -> tuple[Table, Engine]:
    engine = create_engine("sqlite://")
    table = Table("times", MetaData(), Column("at", UtcDateTime()))
    table.create(engine)
    return table, engine


def test_a_stored_time_reads_back_as_the_same_instant() -> None:
    table, engine = _table()
    shanghai = datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    with engine.begin() as connection:
        connection.execute(insert(table), [{"at": shanghai}])
        stored = connection.exec_driver_sql("SELECT at FROM times").scalar_one()
        read = connection.execute(select(table.c.at)).scalar_one()
    assert stored == "2026-11-29 01:30:15.123456"  # UTC, as text SQLite compares in order
    assert read == shanghai and read.tzinfo == UTC


def test_a_naive_time_is_refused() -> None:
    table, engine = _table()
    with engine.begin() as connection, pytest.raises(StatementError, match="naive datetime"):
        connection.execute(insert(table), [{"at": datetime(2026, 11, 29, 12, 0)}])


@given(
    instant=st.datetimes(
        min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_sqlite_text_is_sqlalchemys_own_format(instant: datetime, offset_minutes: int) -> None:
    """The one-step bind (hub.models) writes what SQLAlchemy's two steps would, byte for byte."""
    value = instant.astimezone(timezone(timedelta(minutes=offset_minutes)))
    dialect = sqlite.dialect()
    ours = UtcDateTime().bind_processor(dialect)
    theirs = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert ours is not None and theirs is not None
    assert ours(value) == theirs(value.astimezone(UTC).replace(tzinfo=None))


def test_the_same_time_bound_again_gives_its_own_text() -> None:
    """The bind keeps the text of its last two times, and never gives one time another's."""
    bind = UtcDateTime().bind_processor(sqlite.dialect())
    assert bind is not None
    shanghai = timezone(timedelta(hours=8))
    received = datetime(2026, 11, 29, 9, 30, 15, 123456, tzinfo=UTC)
    kiosk_times = [datetime(2026, 11, 29, 17, 30, second, tzinfo=shanghai) for second in range(5)]
    for kiosk_time in kiosk_times:  # a batch's rows: the kiosk's time, then the hub's
        assert bind(kiosk_time) == f"2026-11-29 09:30:{kiosk_time.second:02d}.000000"
        assert bind(received) == "2026-11-29 09:30:15.123456"
    equal_but_other = datetime(2026, 11, 29, 17, 30, 15, 123456, tzinfo=shanghai)
    assert equal_but_other == received and equal_but_other is not received
    assert bind(equal_but_other) == "2026-11-29 09:30:15.123456"
    assert bind(None) is None
    assert bind(received) == "2026-11-29 09:30:15.123456"
    with pytest.raises(ValueError, match="naive datetime"):
        bind(datetime(2026, 11, 29, 12, 0))
