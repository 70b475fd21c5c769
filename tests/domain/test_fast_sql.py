"""FastStatement gives what SQLAlchemy's own execution gives, on SQLite and on PostgreSQL.

On SQLite it binds and runs the compiled SQL on the DBAPI cursor itself; on
PostgreSQL it runs one statement a call on psycopg's cursor, lists and rows
as arrays. Each test runs the same statements both ways against a real
database file or server and compares.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.fast_sql import FastStatement
from hub.models import UtcDateTime

METADATA = MetaData()
VISITS = Table(
    "visits",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("card", String(20), unique=True, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("note", String(20), nullable=False, default=""),
)
INSERT = FastStatement(insert(VISITS))
INSERT_RETURNING = FastStatement(insert(VISITS).returning(VISITS.c.card, VISITS.c.id))
NOTE = FastStatement(
    update(VISITS).where(VISITS.c.card == bindparam("c")).values(note=bindparam("n"))
)
# An IN list, a literal written in the statement ("rfid") and a datetime parameter.
COUNTS = FastStatement(
    select(VISITS.c.card, func.count())
    .where(
        VISITS.c.kind == "rfid",
        VISITS.c.card.in_(bindparam("cards", expanding=True)),
        VISITS.c.at >= bindparam("since"),
    )
    .group_by(VISITS.c.card)
    .order_by(VISITS.c.card)
)
T0 = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if request.param == "sqlite":
        engine: Engine = create_engine(f"sqlite:///{tmp_path / 'fast.db'}")
    else:
        engine = create_engine(request.getfixturevalue("postgres_url"))
        METADATA.drop_all(engine)
    METADATA.create_all(engine)
    yield sessionmaker(engine)
    METADATA.drop_all(engine)
    engine.dispose()


def _rows(count: int, kind: str = "rfid", start: int = 0) -> list[dict[str, object]]:
    return [
        {"card": f"C{start + i:05d}", "kind": kind, "at": T0 + timedelta(minutes=i), "note": ""}
        for i in range(count)
    ]


def test_a_select_gives_what_sqlalchemy_gives(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        INSERT.many(session, _rows(30) + _rows(5, kind="id", start=100))
    params = {"cards": ["C00003", "C00010", "C00020", "C00102", "nobody"], "since": T0.astimezone()}
    with sessions() as session:
        ours = [tuple(row) for row in COUNTS.rows(session, params)]
        theirs = [tuple(row) for row in session.execute(COUNTS.statement, params)]
    assert ours == theirs == [("C00003", 1), ("C00010", 1), ("C00020", 1)]
    later = {"cards": ["C00003", "C00010", "C00020"], "since": T0 + timedelta(minutes=10)}
    with sessions() as session:
        assert [tuple(row) for row in COUNTS.rows(session, later)] == [("C00010", 1), ("C00020", 1)]


def test_times_are_stored_as_sqlalchemy_stores_them(sessions: sessionmaker[Session]) -> None:
    shanghai = datetime(2026, 11, 29, 16, 30, 15, 123456).astimezone()  # local, with an offset
    with sessions.begin() as session:
        INSERT.many(session, [{"card": "fast", "kind": "rfid", "at": shanghai, "note": ""}])
        session.execute(insert(VISITS), [{"card": "core", "kind": "rfid", "at": shanghai}])
    with sessions() as session:
        read = dict(session.execute(select(VISITS.c.card, VISITS.c.at)).all())
        stored = dict(session.execute(text("SELECT card, CAST(at AS TEXT) FROM visits")).all())
    assert read["fast"] == read["core"] == shanghai
    assert stored["fast"] == stored["core"]


def test_a_many_row_insert_returns_every_id(sessions: sessionmaker[Session]) -> None:
    rows = _rows(450)  # more than one multi-row INSERT on SQLite
    with sessions.begin() as session:
        returned = dict(INSERT_RETURNING.insert_returning(session, rows))
    with sessions() as session:
        stored = dict(session.execute(select(VISITS.c.card, VISITS.c.id)).all())
    assert returned == stored
    assert len(stored) == 450


def test_lists_and_inserts_of_every_size_give_what_sqlalchemy_gives(
    sessions: sessionmaker[Session],
) -> None:
    """Sizes that are and are not powers of two: padded lists, inserts in several chunks."""
    start = 0
    for size in (1, 2, 3, 5, 64, 127, 128, 129, 200, 255, 257):
        rows = _rows(size, start=start)
        with sessions.begin() as session:
            returned = dict(INSERT_RETURNING.insert_returning(session, rows))
        assert sorted(returned) == [row["card"] for row in rows]
        cards = [row["card"] for row in rows[::2]] + ["nobody"]
        params = {"cards": cards, "since": T0}
        with sessions() as session:
            ours = [tuple(row) for row in COUNTS.rows(session, params)]
            theirs = [tuple(row) for row in session.execute(COUNTS.statement, params)]
        assert ours == theirs
        assert len(ours) == len(rows[::2])
        start += size
    with sessions() as session:
        stored = dict(session.execute(select(VISITS.c.card, VISITS.c.id)).all())
    assert len(stored) == start


def test_a_statement_has_a_few_sql_texts_whatever_the_sizes(tmp_path: Path) -> None:
    """sqlite3 keeps one prepared statement per text: a text per size filled that cache."""
    engine = create_engine(f"sqlite:///{tmp_path / 'texts.db'}")
    METADATA.create_all(engine)
    texts: set[str] = set()
    try:
        with sessionmaker(engine).begin() as session:
            session.connection().connection.driver_connection.set_trace_callback(texts.add)
            start = 0
            for size in range(1, 301):
                rows = _rows(size, start=start)
                INSERT_RETURNING.insert_returning(session, rows)
                COUNTS.rows(session, {"cards": [row["card"] for row in rows], "since": T0})
                start += size
    finally:
        engine.dispose()
    # The trace shows each statement with its values written in: tell the texts by their sizes.
    inserted = {sql.count("), (") + 1 for sql in texts if sql.startswith("INSERT")}
    listed = {
        sql.split(" IN (", 1)[1].split(")", 1)[0].count(",") + 1
        for sql in texts
        if sql.startswith("SELECT")
    }
    assert inserted == {1, 2, 4, 8, 16, 32, 64, 128}
    assert listed == {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}


def test_an_update_of_many_rows(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        INSERT.many(session, _rows(10))
        NOTE.many(session, [{"c": "C00002", "n": "two"}, {"c": "C00007", "n": "seven"}])
    with sessions() as session:
        notes = dict(session.execute(select(VISITS.c.card, VISITS.c.note)).all())
    assert {card: note for card, note in notes.items() if note} == {
        "C00002": "two",
        "C00007": "seven",
    }


def test_rows_with_a_literal_or_a_single_parameter(sessions: sessionmaker[Session]) -> None:
    """Rows are made two ways (hub.fast_sql._row_maker): each must bind what SQLAlchemy binds."""
    mark_rfid = FastStatement(
        update(VISITS)
        .where(VISITS.c.kind == "rfid", VISITS.c.card == bindparam("c"))
        .values(note=bindparam("n"))
    )
    forget = FastStatement(delete(VISITS).where(VISITS.c.card == bindparam("c")))
    with sessions.begin() as session:
        INSERT.many(session, _rows(4) + _rows(2, kind="id", start=10))
        mark_rfid.many(session, [{"c": "C00001", "n": "one"}, {"c": "C00010", "n": "ten"}])
        forget.many(session, [{"c": "C00002"}, {"c": "C00011"}])
    with sessions() as session:
        notes = dict(session.execute(select(VISITS.c.card, VISITS.c.note)).all())
    assert notes == {"C00000": "", "C00001": "one", "C00003": "", "C00010": ""}


def test_a_savepoint_rolled_back_takes_its_fast_writes_with_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        INSERT.many(session, _rows(3))
        with pytest.raises(RuntimeError), session.begin_nested():
            INSERT.many(session, _rows(3, start=10))
            NOTE.many(session, [{"c": "C00000", "n": "gone"}])
            raise RuntimeError("refused")
        INSERT.many(session, _rows(1, start=20))
    with sessions() as session:
        cards = set(session.scalars(select(VISITS.c.card)))
        notes = set(session.scalars(select(VISITS.c.note)))
    assert cards == {"C00000", "C00001", "C00002", "C00020"}
    assert notes == {""}


def test_a_twin_is_refused_with_sqlalchemys_integrity_error(
    sessions: sessionmaker[Session],
) -> None:
    """The inbox catches sqlalchemy.exc.IntegrityError for a twin's claim, whatever the path."""
    with sessions.begin() as session:
        INSERT.many(session, _rows(2))
    with pytest.raises(IntegrityError, match=r"(?i)unique"), sessions.begin() as session:
        INSERT.many(session, _rows(1, start=1))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        INSERT_RETURNING.insert_returning(session, _rows(1, start=1))


def test_a_statement_reading_times_back_is_refused(tmp_path: Path) -> None:
    """Rows come back as the driver gives them: a time would come back as text on SQLite."""
    engine = create_engine(f"sqlite:///{tmp_path / 'fast.db'}")
    METADATA.create_all(engine)
    reading_times = FastStatement(select(VISITS.c.at).where(VISITS.c.card == bindparam("c")))
    with Session(engine) as session, pytest.raises(TypeError, match="'at' needs converting"):
        reading_times.rows(session, {"c": "C00001"})


def test_a_value_too_long_for_its_column_is_refused_not_cut_short(postgres_url: str) -> None:
    """On PostgreSQL rows go as arrays cast without a length: the column's own length refuses."""
    engine = create_engine(postgres_url)
    METADATA.drop_all(engine)
    METADATA.create_all(engine)
    sessions = sessionmaker(engine)
    too_long = "X" * 21  # card and note are VARCHAR(20)
    try:
        with pytest.raises(DataError, match="too long"), sessions.begin() as session:
            INSERT.many(session, [*_rows(2), {**_rows(1, start=5)[0], "card": too_long}])
        with pytest.raises(DataError, match="too long"), sessions.begin() as session:
            INSERT_RETURNING.insert_returning(session, [{**_rows(1)[0], "note": too_long}])
        with sessions.begin() as session:
            INSERT.many(session, _rows(2))
        with pytest.raises(DataError, match="too long"), sessions.begin() as session:
            NOTE.many(session, [{"c": "C00000", "n": "fits"}, {"c": "C00001", "n": too_long}])
        with sessions() as session:
            stored = dict(session.execute(select(VISITS.c.card, VISITS.c.note)).all())
        assert stored == {"C00000": "", "C00001": ""}
    finally:
        METADATA.drop_all(engine)
        engine.dispose()


def test_postgres_prepares_one_text_a_statement_whatever_the_sizes(postgres_url: str) -> None:
    """Lists and rows go as arrays: the SQL is the same for any size, prepared once on the server.

    psycopg prepares a statement it has run five times on a connection;
    a text for every size (thousands of parameters) it parsed afresh each time.
    """
    engine = create_engine(postgres_url)
    METADATA.drop_all(engine)
    METADATA.create_all(engine)
    try:
        with sessionmaker(engine).begin() as session:
            start = 0
            for size in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89):
                rows = _rows(size, start=start)
                INSERT_RETURNING.insert_returning(session, rows)
                COUNTS.rows(session, {"cards": [row["card"] for row in rows], "since": T0})
                NOTE.many(session, [{"c": row["card"], "n": "seen"} for row in rows])
                start += size
            prepared = session.connection().exec_driver_sql(
                "SELECT statement FROM pg_prepared_statements"
            )
            texts = [text for (text,) in prepared]
    finally:
        METADATA.drop_all(engine)
        engine.dispose()
    assert len([sql for sql in texts if sql.startswith("INSERT INTO visits")]) == 1
    assert len([sql for sql in texts if sql.startswith("SELECT visits.card")]) == 1
    assert len([sql for sql in texts if sql.startswith("UPDATE visits")]) == 1
