"""The hub's per-batch statements, compiled once and run on the driver's own cursor.

A check-in batch runs the same eight statements every time (hub/inbox.py,
hub/domain/check_in.py). Through ``Connection.execute`` each costs ~20 µs
of SQLAlchemy before SQLite sees it (compiled-cache key, execution context,
result wrapping) and ~5 µs per parameter row (``construct_params`` and the
bind processors, called one by one): more than SQLite's own work, and on the
path every swipe waits for. A ``FastStatement`` keeps the Core statement as
the one definition, compiles it once per set of parameter names with the
engine's dialect, and on SQLite hands the SQL and the processed values to
the DBAPI cursor of the session's connection: the same transaction and
savepoints, the same SQL. Measured with ``Inbox.accept_batch``, back to
back: a batch of one check-in 494 → 333 µs of CPU, 500 at a time 54.9 →
48.2 µs each (docs/performance-rounds.md, fifth round).

On PostgreSQL through psycopg it runs each statement once a batch, on
psycopg's cursor, whatever the batch's size: a list is one array
parameter (``IN (…)`` becomes ``= ANY(…)``) and the rows of an insert or
an update go as one array a column (``INSERT … SELECT * FROM unnest(…)``,
``UPDATE … FROM unnest(…) AS _rows(…) WHERE …``). Every array, a
statement's own array parameters too, goes in psycopg's binary format:
its text format escapes each element in Python (244 against 70 µs for a
list of 400 credentials). Through SQLAlchemy, a batch's inserts were
multi-row statements of thousands of parameters, which psycopg parses
in Python afresh each time (it caches only short ones), or an
executemany of one round of its pipeline a row: two thirds of a batch's
CPU on PostgreSQL (docs/performance-rounds.md, twenty-third round). A delete
of many rows stays an executemany, on the cursor. The arrays are cast
to the columns' types without their lengths, so a value too long for
its column is refused by the statement, as SQLAlchemy's statements had
it refused, not cut short by the cast. Any other database, or driver,
runs the statement through SQLAlchemy.

A database error comes out as SQLAlchemy's own (``IntegrityError`` for a
twin's claim, say), so callers catch what they caught before.

It refuses, when first compiled, a statement whose result columns would
need converting (a datetime read back, say): rows come back as the driver
gives them, so only statements whose columns are plain text and numbers
may use it.

Sizes: an ``IN`` list of N values, or an insert of N rows in one
statement, is a different SQL text for every N, and Python's sqlite3
keeps a prepared statement per text (128 per connection). A hub taking
batches of every size from 1 to 500 filled that cache with statements of
hundreds of values each: through a drain of 100,000 scans its memory
crept up to 123-142 MB where it now holds at 108-110, and each new size
was prepared afresh. So a list is padded to the next
power of two (repeating its last value, which ``IN`` ignores) and rows go
in chunks whose sizes are powers of two: a statement has at most ten
texts, all of which stay prepared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import ARRAY, Select, UpdateBase
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
Statement = Select[Any] | UpdateBase  # a SELECT, INSERT, UPDATE or DELETE
# Rows per multi-row INSERT at most (a power of two): well under SQLite's variable limit.
_ROWS_PER_INSERT = 128
_ONE_ROW = re.compile(r" VALUES (\((?:\?, )*\?\))")
# PostgreSQL (psycopg's "pyformat"): an expanding IN list, a row of values, one parameter.
_PG_IN_LIST = re.compile(r"IN \(__\[POSTCOMPILE_(\w+)\]\)")
_PG_VALUES = re.compile(r" VALUES \(((?:%\(\w+\)s[^,()]*, )*%\(\w+\)s[^,()]*)\)")
_PG_PARAMETER = re.compile(r"%\((\w+)\)s")
_TYPE_LENGTH = re.compile(r"\(\d+(?:, *\d+)?\)")


class _Unset:
    """Marks a parameter the caller gives (not a literal fixed in the statement)."""


_GIVEN = _Unset()


class _Slot:
    __slots__ = ("expanding", "fixed", "name", "process")

    def __init__(self, name: str, process: Processor | None, expanding: bool, fixed: Any) -> None:
        self.name = name
        self.process = process
        self.expanding = expanding
        self.fixed = fixed


class _Compiled:
    """One statement's SQL for one dialect and set of parameter names, and how to bind them."""

    def __init__(self, statement: Statement, dialect: Dialect, keys: Sequence[str]) -> None:
        compiled = _compile(statement, dialect, keys)
        self.sql = compiled.string
        self.slots = [_slot(compiled, name) for name in compiled.positiontup or ()]
        self.one_row = _ONE_ROW.search(self.sql)
        # One parameter row of an executemany (no ``IN`` lists there).
        self.row: Callable[[Mapping[str, Any]], list[Any]] = _row_maker(self.slots)

    def bind(self, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL with its ``IN`` lists written out, and the values in order."""
        sql = self.sql
        values: list[Any] = []
        for slot in self.slots:
            value = params[slot.name] if slot.fixed is _GIVEN else slot.fixed
            if slot.expanding:
                items = [slot.process(v) for v in value] if slot.process else list(value)
                if items:  # padded to a size the statement cache already holds (see above)
                    items.extend(items[-1:] * (_power_of_two_at_least(len(items)) - len(items)))
                sql = sql.replace(f"__[POSTCOMPILE_{slot.name}]", ", ".join("?" * len(items)))
                values.extend(items)
            elif slot.fixed is _GIVEN and slot.process is not None:
                values.append(slot.process(value))
            else:
                values.append(value)
        return sql, values


def _compile(statement: Statement, dialect: Dialect, keys: Sequence[str]) -> SQLCompiler:
    """``statement`` compiled for ``dialect``; refused if its rows would need converting."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    assert isinstance(compiled, SQLCompiler)
    for column in compiled._result_columns:
        if column.type._cached_result_processor(dialect, None) is not None:
            raise TypeError(f"result column {column.keyname!r} needs converting: {statement}")
    return compiled


def _slot(compiled: SQLCompiler, name: str) -> _Slot:
    bind = compiled.binds[name]
    process = cast(Processor | None, compiled._bind_processors.get(name))  # a tuple's: unused
    fixed: Any = _GIVEN
    if bind.unique:  # a literal written in the statement, e.g. status == "confirmed"
        fixed = process(bind.effective_value) if process else bind.effective_value
    return _Slot(name, process, bool(bind.expanding), fixed)


class _PgCompiled:
    """One statement's SQL for PostgreSQL (psycopg), lists and many rows as arrays.

    The SQL is the same text for any number of rows or list items, so
    psycopg parses it once and prepares it on the server (config/database.py).
    """

    def __init__(self, statement: Statement, dialect: Dialect, keys: Sequence[str]) -> None:
        compiled = _compile(statement, dialect, keys)
        sql = compiled.string
        self.slots = {name: _slot(compiled, name) for name in compiled.binds}
        arrays = {
            name: f"%({name})b::{_array_type(compiled.binds[name].type, dialect)}"
            for name in self.slots
        }
        # The parameters a row gives, as arrays: an insert's in the order of its
        # columns, an update's in the order they appear; none for anything else.
        self.columns: list[str] = []
        if isinstance(statement, UpdateBase) and statement.is_insert:
            values = _PG_VALUES.search(sql)
            if values is None:
                raise TypeError(f"only a single-row insert can take arrays: {statement}")
            self.columns = _PG_PARAMETER.findall(values.group(1))
            unnest = ", ".join(arrays[name] for name in self.columns)
            head, tail = sql[: values.start()], sql[values.end() :]
            # Built of SQLAlchemy's compiled SQL and parameter names: no value is written in.
            sql = head + f" SELECT * FROM unnest({unnest})" + tail  # noqa: S608
        elif isinstance(statement, UpdateBase) and statement.is_update:
            sql = self._update_from_rows(sql, arrays)
        else:
            sql = _PG_IN_LIST.sub(lambda found: f"= ANY({arrays[found[1]]})", sql)
            # A parameter that is an array already goes in binary too.
            sql = _PG_PARAMETER.sub(
                lambda found: (
                    f"%({found[1]})b"
                    if isinstance(compiled.binds[found[1]].type, ARRAY)
                    else found[0]
                ),
                sql,
            )
        self.sql = sql
        self.executemany_sql = compiled.string  # a delete, row by row

    def _update_from_rows(self, sql: str, arrays: Mapping[str, str]) -> str:
        """``UPDATE t SET … FROM unnest(…) AS _rows(…) WHERE …``: every row in one statement."""
        if sql.count(" WHERE ") != 1 or " FROM " in sql:
            raise TypeError(f"only a plain UPDATE … WHERE can take arrays: {sql}")

        def from_rows(found: re.Match[str]) -> str:
            name = found[1]
            if self.slots[name].fixed is not _GIVEN:
                return found[0]
            if name not in self.columns:
                self.columns.append(name)
            return f'_rows."{name}"'

        sql = _PG_PARAMETER.sub(from_rows, sql)
        unnest = ", ".join(arrays[name] for name in self.columns)
        names = ", ".join(f'"{name}"' for name in self.columns)
        head, where = sql.split(" WHERE ")
        return f"{head} FROM unnest({unnest}) AS _rows({names}) WHERE {where}"

    def value(self, slot: _Slot, params: Mapping[str, Any]) -> Any:
        """The value ``slot`` binds with ``params``: processed, and a list as a whole."""
        if slot.fixed is not _GIVEN:
            return slot.fixed
        given = params[slot.name]
        process = slot.process
        if slot.expanding:
            return [process(item) for item in given] if process else list(given)
        return process(given) if process else given

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.value(slot, params) for name, slot in self.slots.items()}

    def bind_rows(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The rows as one array a parameter they give; a literal of the statement as itself."""
        arrays: dict[str, Any] = {
            name: slot.fixed
            for name, slot in self.slots.items()
            if slot.fixed is not _GIVEN and name not in self.columns
        }
        for name in self.columns:
            slot = self.slots[name]
            if slot.fixed is not _GIVEN:
                arrays[name] = [slot.fixed] * len(rows)
            elif slot.process is not None:
                process = slot.process
                arrays[name] = [process(row[name]) for row in rows]
            else:
                arrays[name] = [row[name] for row in rows]
        return arrays


def _array_type(type_: Any, dialect: Dialect) -> str:
    """The PostgreSQL array type of ``type_``'s values, without a length (``VARCHAR[]``)."""
    name = dialect.type_compiler_instance.process(type_._unwrapped_dialect_impl(dialect))
    return _TYPE_LENGTH.sub("", name) + "[]"


def _row_maker(slots: Sequence[_Slot]) -> Callable[[Mapping[str, Any]], list[Any]]:
    """A function from a parameter mapping to the values of ``slots``, in order.

    A row is made four times a check-in. Where every slot is a parameter
    the caller gives, the values are taken together (``itemgetter``) and
    only those that need it converted: asking each slot what it is cost
    1.6 times as much, 2.1 against 1.3 µs for a check-in's four rows
    (docs/performance-rounds.md, sixteenth round).
    """
    if any(slot.fixed is not _GIVEN or slot.expanding for slot in slots) or len(slots) < 2:

        def by_slot(params: Mapping[str, Any]) -> list[Any]:
            return [
                slot.fixed
                if slot.fixed is not _GIVEN
                else slot.process(params[slot.name])
                if slot.process is not None
                else params[slot.name]
                for slot in slots
            ]

        return by_slot
    take = itemgetter(*(slot.name for slot in slots))
    conversions = [
        (index, slot.process) for index, slot in enumerate(slots) if slot.process is not None
    ]

    def by_name(params: Mapping[str, Any]) -> list[Any]:
        values = list(take(params))
        for index, process in conversions:
            values[index] = process(values[index])
        return values

    return by_name


class FastStatement:
    """A Core statement compiled once per parameter names; run on the DBAPI cursor."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}
        self._pg_compiled: dict[tuple[str, ...], _PgCompiled] = {}

    def rows(self, session: Session, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Run a SELECT once with ``params``; its rows."""
        connection = session.connection()
        if _on_psycopg(connection):
            pg = self._pg(connection, params)
            with _cursor(connection, pg.sql) as cursor:
                cursor.execute(pg.sql, pg.bind(params))
                rows: list[Sequence[Any]] = cursor.fetchall()
            return rows
        if connection.dialect.name != "sqlite":
            return connection.execute(self.statement, params).all()
        sql, values = self._compile(connection, params).bind(params)
        with _cursor(connection, sql) as cursor:
            cursor.execute(sql, values)
            found: list[Sequence[Any]] = cursor.fetchall()
        return found

    def many(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Execute once per row (an executemany); every row has the same keys.

        On PostgreSQL an insert or an update takes all the rows in one
        statement, as arrays. An update's rows must each name a different
        row to change: of two naming the same, one is applied, not both in turn.
        """
        if not rows:
            return
        connection = session.connection()
        if _on_psycopg(connection):
            pg = self._pg(connection, rows[0])
            if pg.columns:  # an insert or an update: one statement
                with _cursor(connection, pg.sql) as cursor:
                    cursor.execute(pg.sql, pg.bind_rows(rows))
                return
            with _cursor(connection, pg.executemany_sql) as cursor:
                cursor.executemany(pg.executemany_sql, [pg.bind(row) for row in rows])
            return
        if connection.dialect.name != "sqlite":
            connection.execute(self.statement, list(rows))
            return
        compiled = self._compile(connection, rows[0])
        with _cursor(connection, compiled.sql) as cursor:
            cursor.executemany(compiled.sql, [compiled.row(row) for row in rows])

    def insert_returning(
        self, session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> Sequence[Sequence[Any]]:
        """An ``INSERT … RETURNING`` of many rows, in multi-row statements; rows in no set order."""
        if not rows:
            return []
        connection = session.connection()
        if _on_psycopg(connection):
            pg = self._pg(connection, rows[0])
            if not pg.columns:
                raise TypeError(f"only a single-row insert can be repeated: {self.statement}")
            with _cursor(connection, pg.sql) as cursor:
                cursor.execute(pg.sql, pg.bind_rows(rows))
                inserted: list[Sequence[Any]] = cursor.fetchall()
            return inserted
        if connection.dialect.name != "sqlite":
            return connection.execute(self.statement, list(rows)).all()
        compiled = self._compile(connection, rows[0])
        if compiled.one_row is None:
            raise TypeError(f"only a single-row insert can be repeated: {self.statement}")
        head, tail = (
            compiled.sql[: compiled.one_row.start(1)],
            compiled.sql[compiled.one_row.end(1) :],
        )
        group = compiled.one_row.group(1)
        found: list[Sequence[Any]] = []
        with _cursor(connection, compiled.sql) as cursor:
            start = 0
            while start < len(rows):
                size = min(_ROWS_PER_INSERT, _power_of_two_at_most(len(rows) - start))
                chunk = rows[start : start + size]
                start += size
                values = [value for row in chunk for value in compiled.row(row)]
                cursor.execute(head + ", ".join([group] * size) + tail, values)
                found.extend(cursor.fetchall())
        return found

    def _compile(self, connection: Connection, params: Mapping[str, Any]) -> _Compiled:
        keys = tuple(params)
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _Compiled(self.statement, connection.dialect, keys)
        return compiled

    def _pg(self, connection: Connection, params: Mapping[str, Any]) -> _PgCompiled:
        keys = tuple(params)
        compiled = self._pg_compiled.get(keys)
        if compiled is None:
            compiled = _PgCompiled(self.statement, connection.dialect, keys)
            self._pg_compiled[keys] = compiled
        return compiled


def execute_plain(connection: Connection, sql: str) -> None:
    """Run ``sql``, which takes no parameters and returns no rows, on the DBAPI cursor.

    For the batch's ``BEGIN IMMEDIATE`` on SQLite: through ``exec_driver_sql``
    it was some 40 Python calls of SQLAlchemy's execution context, for one
    statement the driver runs as it is.
    """
    with _cursor(connection, sql) as cursor:
        cursor.execute(sql)


def _on_psycopg(connection: Connection) -> bool:
    dialect = connection.dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _power_of_two_at_least(n: int) -> int:
    return 1 << (n - 1).bit_length()


def _power_of_two_at_most(n: int) -> int:
    return 1 << (n.bit_length() - 1)


@contextmanager
def _cursor(connection: Connection, sql: str) -> Iterator[Any]:
    """The DBAPI cursor of ``connection``; its errors raised as SQLAlchemy raises them."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    cursor = connection.connection.cursor()
    try:
        yield cursor
    except dbapi_error as error:
        raise DBAPIError.instance(
            sql, None, error, dbapi_error, dialect=connection.dialect
        ) from error
    finally:
        cursor.close()
