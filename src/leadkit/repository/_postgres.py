"""The PostgreSQL adapter (psycopg 3; ``pip install 'leadkit[postgres]'``).

The layout is the SQLite adapter's: one table per record kind with ``id``, ``version``,
the lookup columns (indexed) and the whole record as JSON in ``data`` (type ``json``, the
text kept as written), plus ``seq``, an identity column that keeps insertion order. The
tables live in one PostgreSQL schema (``leadkit`` unless told), so several leadkit stores
can share a database.

Each unit of work is one ``SERIALIZABLE`` transaction: PostgreSQL lets units of work run
side by side and aborts any whose outcome could differ from running them one at a time.
That abort, a deadlock, or a lock wait longer than ``lock_timeout`` raises
:class:`~leadkit.errors.ConcurrencyError` and rolls the unit back (retry it); every
``UPDATE`` also carries ``AND version = %s``, as in SQLite. So two processes converting
one lead never both succeed, and no round-robin turn is handed out twice.

The schema is created and upgraded by the migration mechanism all SQL adapters share
(:mod:`leadkit.repository._migrations`); the version reached is kept in
``<schema>.leadkit_schema``; concurrent first uses wait for one another on an advisory
lock instead of racing to create tables.

Connections: each process keeps a few idle connections per (URL, schema) and reuses them
for later units of work (connecting costs a server process start); they are closed
before ``fork()`` and at exit, never carried into a child.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from leadkit._optional import require
from leadkit.errors import (
    ConcurrencyError,
    DatabaseError,
    LoadError,
    Problem,
    ValidationError,
)
from leadkit.io import structure_stored, unstructure
from leadkit.repository._config import CONFIG_SCHEMA, PostgresConfig
from leadkit.repository._enrolments import ENROLMENT_SCHEMA_POSTGRES, PostgresEnrolments
from leadkit.repository._generic import Table
from leadkit.repository._histories import (
    HISTORY_SCHEMA_POSTGRES,
    PostgresRoutingDecisions,
    PostgresStageHistories,
)
from leadkit.repository._migrations import Migration, Migrations
from leadkit.repository._outbox import OUTBOX_SCHEMA_POSTGRES, PostgresOutbox
from leadkit.repository._pending import POSTGRES_PENDING_SCHEMA, PostgresPendingQueue
from leadkit.repository._protocols import Record
from leadkit.repository._schema import TABLES, TableSpec
from leadkit.repository._state import from_micros, to_micros
from leadkit.repository._unit import BaseUnitOfWork
from leadkit.repository._visitors import VISITOR_SCHEMA_POSTGRES, PostgresVisitors

if TYPE_CHECKING:
    import psycopg

__all__ = ["POSTGRES_MIGRATIONS", "PostgresUnitOfWork"]

R = TypeVar("R", bound=Record)


def _table(name: str, *columns: str) -> str:
    lookup = "".join(f"    {column} TEXT,\n" for column in columns)
    indexes = "".join(f"CREATE INDEX {name}_{column} ON {name} ({column});\n" for column in columns)
    return (
        f"CREATE TABLE {name} (\n    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,\n"
        f"    id TEXT PRIMARY KEY,\n    version INTEGER NOT NULL,\n"
        f"{lookup}    data JSON NOT NULL\n);\n{indexes}"
    )


POSTGRES_MIGRATIONS = Migrations(
    (
        # Append-only, as the SQLite list: never edit a shipped migration, add the next.
        Migration(
            "the record tables, routing state and rate limits",
            "".join(_table(spec.name, *spec.columns) for spec in TABLES.values())
            + "CREATE TABLE routing_state (key TEXT PRIMARY KEY, value BIGINT NOT NULL);"
            "CREATE TABLE leadkit_rate_limit (seq BIGINT GENERATED ALWAYS AS IDENTITY "
            "PRIMARY KEY, key TEXT NOT NULL, at BIGINT NOT NULL);"
            "CREATE INDEX leadkit_rate_limit_key_at ON leadkit_rate_limit (key, at);",
        ),
        Migration(
            "nurture enrolments and the outbox (issue 17)",
            ENROLMENT_SCHEMA_POSTGRES + ";" + OUTBOX_SCHEMA_POSTGRES,
        ),
        Migration("the store's configuration (catalogues)", CONFIG_SCHEMA),
        Migration("the web-to-lead pending queue", POSTGRES_PENDING_SCHEMA),
        Migration("stage histories and routing decisions (issue 19)", HISTORY_SCHEMA_POSTGRES),
        Migration("visitor events and visitor links (issue 20)", VISITOR_SCHEMA_POSTGRES),
    )
)
"""The PostgreSQL schema's migrations (the version is how many there are)."""

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _psycopg() -> Any:
    return require("psycopg", "postgres", purpose="the PostgreSQL adapter")


# -- errors --------------------------------------------------------------------------------

_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock timeout


@contextmanager
def _translated(where: str) -> Iterator[None]:
    """Driver errors as leadkit's: conflicts as ConcurrencyError, the rest DatabaseError."""
    psycopg = _psycopg()
    try:
        yield
    except psycopg.Error as exc:
        state = getattr(exc, "sqlstate", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if state in _RETRYABLE:
            raise ConcurrencyError(
                f"another unit of work conflicted with this one ({first}); it was rolled "
                "back: run it again",
                path=where,
            ) from exc
        raise DatabaseError(f"PostgreSQL: {first}", path=where, sqlstate=state) from exc


def _text(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; a lookup key with one is stored with U+FFFD
    # instead (the record itself is JSON, where NUL is escaped and kept exactly).
    return value.replace("\x00", "\ufffd") if value is not None and "\x00" in value else value


def _id(value: str) -> str:
    if "\x00" in value:
        raise ValidationError("an id stored in PostgreSQL cannot contain NUL", path="id")
    return value


# -- idle connections ------------------------------------------------------------------------

_KEPT_PER_DATABASE = 4
_idle: dict[tuple[str, str, int], list[Any]] = {}
_idle_lock = threading.Lock()


def _take_idle(key: tuple[str, str, int]) -> Any | None:
    with _idle_lock:
        kept = _idle.get(key)
        while kept:
            conn = kept.pop()
            if not conn.closed:
                return conn
    return None


def _give_back(key: tuple[str, str, int], conn: Any) -> None:
    psycopg = _psycopg()
    healthy = not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    if healthy and key[2] == os.getpid():
        with _idle_lock:
            kept = _idle.setdefault(key, [])
            if len(kept) < _KEPT_PER_DATABASE:
                kept.append(conn)
                return
    conn.close()


def close_idle_connections() -> None:
    """Close this process's idle PostgreSQL connections (before fork, at exit)."""
    with _idle_lock:
        kept = list(_idle.items())
        _idle.clear()
    for (_, _, pid), conns in kept:
        if pid == os.getpid():  # never touch a connection inherited through fork
            for conn in conns:
                conn.close()


atexit.register(close_idle_connections)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=close_idle_connections)


# -- tables -----------------------------------------------------------------------------------


class _PostgresTable(Generic[R]):
    """One record kind's table, reached through the unit of work's connection."""

    def __init__(
        self, spec: TableSpec[R], connection: Callable[[], Any], where: Callable[[], str]
    ) -> None:
        self.spec = spec
        self._connection = connection
        self._where = where
        name, columns = spec.name, spec.columns
        all_columns = ("id", "version", *columns, "data")
        self._select = f"SELECT id, version, data::text FROM {name} WHERE id = %s"
        self._insert = (
            f"INSERT INTO {name} ({', '.join(all_columns)}) "
            f"VALUES ({', '.join('%s' for _ in all_columns)}) ON CONFLICT (id) DO NOTHING"
        )
        sets = ", ".join(f"{c} = %s" for c in ("version", *columns, "data"))
        self._update = f"UPDATE {name} SET {sets} WHERE id = %s AND version = %s"
        self._delete = f"DELETE FROM {name} WHERE id = %s AND version = %s"
        self._scan = f"SELECT id, version, data::text FROM {name} ORDER BY seq"
        self._count = f"SELECT COUNT(*) FROM {name}"
        self._taken = f"SELECT id FROM {name} WHERE id = ANY(%s)"
        self._copy = f"COPY {name} ({', '.join(all_columns)}) FROM STDIN"

    def _execute(self, sql: str, values: Sequence[Any] = ()) -> Any:
        with _translated(self._where()):
            return self._connection().execute(sql, values, prepare=None)

    def _dump(self, record: R) -> list[Any]:
        try:
            data = json.dumps(
                unstructure(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False
            )
            data.encode("utf-8")
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValidationError(
                f"cannot be stored as JSON ({exc})", path=(self.spec.name, record.id)
            ) from None
        return [record.version, *map(_text, self.spec.keys(record)), data]

    def _load(self, id: str, version: int, data: str) -> R:
        where = (self.spec.name, id, "data")
        try:
            plain = json.loads(data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise LoadError(
                [Problem(where, f"the stored record is not valid JSON ({exc})")],
                what=f"{self.spec.name} row {id!r}",
            ) from None
        if not isinstance(plain, dict):
            raise LoadError(
                [Problem(where, f"the stored record is not a JSON object: {data[:40]!r}")],
                what=f"{self.spec.name} row {id!r}",
            )
        plain["version"] = version  # the column the version check uses is the truth
        return structure_stored(plain, self.spec.type, root=f"{self.spec.name}.data")

    def load(self, id: str) -> R | None:
        if "\x00" in id:
            return None  # never stored
        row = self._execute(self._select, (id,)).fetchone()
        return None if row is None else self._load(*row)

    def insert(self, record: R) -> bool:
        values = [_id(record.id), *self._dump(record)]
        return bool(self._execute(self._insert, values).rowcount == 1)

    def insert_many(self, records: list[R]) -> list[str]:
        """Insert every record with one ``COPY``, or none: the ids already taken."""
        rows = [[_id(record.id), *self._dump(record)] for record in records]
        psycopg = _psycopg()
        with _translated(self._where()):
            cursor = self._connection().cursor()
            cursor.execute("SAVEPOINT leadkit_insert_many")
            try:
                with cursor.copy(self._copy) as copy:
                    for row in rows:
                        copy.write_row(row)
            except psycopg.errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT leadkit_insert_many")
                cursor.execute("RELEASE SAVEPOINT leadkit_insert_many")
                ids = [record.id for record in records]
                taken = {str(row[0]) for row in cursor.execute(self._taken, (ids,)).fetchall()}
                return [i for i in ids if i in taken]
            cursor.execute("RELEASE SAVEPOINT leadkit_insert_many")
            return []

    def replace(self, record: R, expected_version: int) -> bool:
        values = [*self._dump(record), record.id, expected_version]
        return bool(self._execute(self._update, values).rowcount == 1)

    def delete(self, id: str, expected_version: int) -> bool:
        return bool(self._execute(self._delete, (id, expected_version)).rowcount == 1)

    def scan(self) -> list[R]:
        return [self._load(*row) for row in self._execute(self._scan).fetchall()]

    def count(self) -> int:
        (n,) = self._execute(self._count).fetchone()
        return int(n)

    def lookup(self, columns: tuple[str, ...], value: str) -> list[R]:
        where = " OR ".join(f"{self._column(c)} = %s" for c in columns)
        sql = f"SELECT id, version, data::text FROM {self.spec.name} WHERE {where} ORDER BY seq"
        rows = self._execute(sql, [_text(value)] * len(columns)).fetchall()
        return [self._load(*row) for row in rows]

    def count_by(
        self, column: str, *, unless_column: str, unless_values: Collection[str]
    ) -> dict[str, int]:
        group, unless = self._column(column), self._column(unless_column)
        sql = (
            f"SELECT {group}, COUNT(*) FROM {self.spec.name} WHERE {group} IS NOT NULL "
            f"AND ({unless} IS NULL OR {unless} <> ALL(%s)) GROUP BY {group}"
        )
        rows = self._execute(sql, ([_text(v) for v in unless_values],)).fetchall()
        return {str(key): int(n) for key, n in rows}

    def _column(self, name: str) -> str:
        # Column names are spliced into SQL: only the spec's own names may get there.
        if name not in self.spec.columns:
            raise ValidationError(f"unknown lookup column {name!r}", path=self.spec.name)
        return name


# -- routing state and rate limits -----------------------------------------------------------


class _PostgresRoutingState:
    """Routing state in the ``routing_state`` table, on the unit of work's connection."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def get(self, key: str, /) -> int | None:
        """The value stored at ``key``, or None."""
        row = self._execute(
            "SELECT value FROM routing_state WHERE key = %s", (_text(key),)
        ).fetchone()
        return None if row is None else int(row[0])

    def set(self, key: str, value: int, /) -> None:
        """Store ``value`` at ``key``."""
        self._execute(
            "INSERT INTO routing_state (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_text(key), value),
        )

    def items(self) -> dict[str, int]:
        """Every stored key and value."""
        rows = self._execute("SELECT key, value FROM routing_state", ()).fetchall()
        return {str(key): int(value) for key, value in rows}


class _PostgresRateLimits:
    """Rate limits in the ``leadkit_rate_limit`` table, on the unit of work's connection."""

    def __init__(self, execute: Callable[[str, Sequence[Any]], Any]) -> None:
        self._execute = execute

    def hits(self, key: str, /, *, after: datetime, until: datetime) -> list[datetime]:
        """The moments recorded for ``key`` in (``after``, ``until``], oldest first."""
        rows = self._execute(
            "SELECT at FROM leadkit_rate_limit WHERE key = %s AND at > %s AND at <= %s ORDER BY at",
            (_text(key), to_micros(after), to_micros(until)),
        ).fetchall()
        return [from_micros(int(at)) for (at,) in rows]

    def latest(self, key: str, /) -> datetime | None:
        """The newest moment recorded for ``key``, or None."""
        (newest,) = self._execute(
            "SELECT MAX(at) FROM leadkit_rate_limit WHERE key = %s", (_text(key),)
        ).fetchone()
        return None if newest is None else from_micros(int(newest))

    def add(self, key: str, at: datetime, /) -> None:
        """Record one submission from ``key`` at ``at``."""
        self._execute(
            "INSERT INTO leadkit_rate_limit (key, at) VALUES (%s, %s)", (_text(key), to_micros(at))
        )

    def remove(self, key: str, at: datetime, /) -> bool:
        """Remove one submission recorded for ``key`` at exactly ``at``; True if found."""
        deleted = self._execute(
            "DELETE FROM leadkit_rate_limit WHERE seq = (SELECT seq FROM leadkit_rate_limit "
            "WHERE key = %s AND at = %s LIMIT 1)",
            (_text(key), to_micros(at)),
        ).rowcount
        return bool(deleted == 1)

    def forget(self, key: str, /, *, until: datetime) -> None:
        """Remove every moment recorded for ``key`` at or before ``until``."""
        self._execute(
            "DELETE FROM leadkit_rate_limit WHERE key = %s AND at <= %s",
            (_text(key), to_micros(until)),
        )


# -- the schema ------------------------------------------------------------------------------


def _stored_version(conn: Any) -> int:
    """The schema version stored; 0 without leadkit's schema table (then the statement
    failed, harmless in autocommit mode; inside a transaction check to_regclass first)."""
    psycopg = _psycopg()
    try:
        row = conn.execute("SELECT version FROM leadkit_schema").fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return 0 if row is None else int(row[0])


class _PostgresSchema:
    """:class:`~leadkit.repository._migrations.SchemaStore` on the unit's connection."""

    def __init__(self, conn: Any, schema: str, *, create: bool, where: str) -> None:
        self._conn = conn
        self._schema = schema
        self._create = create
        self._where = where

    def read_version(self) -> int:
        if not self._create:
            raise DatabaseError(
                f"schema {self._schema!r} has no leadkit tables at version "
                f"{POSTGRES_MIGRATIONS.version} and create=False",
                path=self._where,
            )
        # Processes opening a new store at once: one migrates, the others wait here and
        # then find it done (READ COMMITTED: each statement sees the latest commits). The
        # lock is the transaction's, released at its end.
        self._conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"leadkit schema {self._schema}",)
        )
        self._conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
        exists = self._conn.execute("SELECT to_regclass('leadkit_schema') IS NOT NULL")
        if not exists.fetchone()[0]:
            return 0
        return _stored_version(self._conn)

    def create_version_table(self) -> None:
        self._conn.execute("CREATE TABLE leadkit_schema (version INTEGER NOT NULL)")
        self._conn.execute("INSERT INTO leadkit_schema (version) VALUES (0)")

    def execute(self, statement: str) -> None:
        self._conn.execute(statement)

    def write_version(self, version: int) -> None:
        self._conn.execute("UPDATE leadkit_schema SET version = %s", (version,))


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    url = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", url, flags=re.IGNORECASE)


class PostgresUnitOfWork(BaseUnitOfWork):
    """A :class:`~leadkit.repository.UnitOfWork` on a PostgreSQL database (psycopg 3).

    ``url`` is a libpq connection string or URL (``postgresql://user@host:5432/db``);
    ``schema`` the PostgreSQL schema holding leadkit's tables (created with them unless
    ``create=False``). Each ``with`` block is one ``SERIALIZABLE`` transaction; a conflict
    with a concurrent unit of work, a deadlock, or waiting longer than ``lock_timeout``
    seconds for a row raises :class:`~leadkit.errors.ConcurrencyError` (run the unit
    again). Other server errors are :class:`~leadkit.errors.DatabaseError`.

    ``functools.partial(PostgresUnitOfWork, url)`` is a unit-of-work factory; the object
    can also be entered again and again, by one thread at a time.
    """

    def __init__(
        self,
        url: str,
        *,
        schema: str = "leadkit",
        create: bool = True,
        lock_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        record_events: bool = False,
    ) -> None:
        if not isinstance(url, str) or not url:
            raise ValidationError(
                f"url is a PostgreSQL connection URL, got {url!r}", path="PostgresUnitOfWork.url"
            )
        if not isinstance(schema, str) or not _SCHEMA_NAME.fullmatch(schema):
            raise ValidationError(
                "schema is a lower-case PostgreSQL name (letters, digits, _; up to 63), "
                f"got {schema!r}",
                path="PostgresUnitOfWork.schema",
            )
        if not isinstance(create, bool):
            raise ValidationError(
                f"create is True or False, got {create!r}", path="PostgresUnitOfWork.create"
            )
        for name, value in (("lock_timeout", lock_timeout), ("connect_timeout", connect_timeout)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValidationError(
                    f"{name} is a number of seconds > 0, got {value!r}",
                    path=f"PostgresUnitOfWork.{name}",
                )
        _psycopg()  # a missing driver is reported when the adapter is made
        self.url = url
        self.schema = schema
        self.create = create
        self.lock_timeout = float(lock_timeout)
        self.connect_timeout = float(connect_timeout)
        self._key = (url, schema, os.getpid())
        self._conn: psycopg.Connection[Any] | None = None
        self._in_transaction = False
        self._tables = {
            name: _PostgresTable(spec, self._connection, self._describe)
            for name, spec in TABLES.items()
        }
        super().__init__(
            routing_state=_PostgresRoutingState(self._guarded_execute),
            rate_limits=_PostgresRateLimits(self._guarded_execute),
            enrolments=PostgresEnrolments(self._guarded_execute),
            outbox=PostgresOutbox(self._guarded_execute),
            record_events=record_events,
            config=PostgresConfig(self._guarded_execute),
            pending=PostgresPendingQueue(self._guarded_execute),
            stage_histories=PostgresStageHistories(self._guarded_execute),
            routing_decisions=PostgresRoutingDecisions(self._guarded_execute),
            visitors=PostgresVisitors(self._guarded_execute),
        )

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<PostgresUnitOfWork {state} {_redacted(self.url)!r} schema={self.schema!r}>"

    def _describe(self) -> str:
        return f"{_redacted(self.url)} schema {self.schema}"

    def _table(self, name: str) -> Table[Any]:
        return self._tables[name]

    def _connection(self) -> psycopg.Connection[Any]:
        assert self._conn is not None  # the guard ran first
        return self._conn

    def _guard(self) -> None:
        super()._guard()
        if not self._in_transaction:
            self._begin_transaction()

    def _guarded_execute(self, sql: str, values: Sequence[Any]) -> Any:
        self._guard()
        with _translated(self._describe()):
            return self._connection().execute(sql, values, prepare=None)

    def _begin_transaction(self) -> None:
        with _translated(self._describe()):
            self._connection().execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        self._in_transaction = True

    def _connect(self, *, reuse: bool = True) -> psycopg.Connection[Any]:
        self._key = (self.url, self.schema, os.getpid())
        kept = _take_idle(self._key) if reuse else None
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        psycopg = _psycopg()
        try:
            conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, round(self.connect_timeout))
            )
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise DatabaseError(
                f"cannot connect to PostgreSQL ({first})", path=_redacted(self.url)
            ) from None
        with _translated(self._describe()):
            conn.execute(f'SET search_path TO "{self.schema}"')
            conn.execute(f"SET lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
        return conn  # type: ignore[no-any-return]

    def _first_version(self) -> tuple[psycopg.Connection[Any], int]:
        """A connection and the stored schema version; an idle connection the server
        has dropped since (a restart) is replaced by a new one."""
        psycopg = _psycopg()
        conn = self._connect()
        try:
            return conn, _stored_version(conn)
        except psycopg.OperationalError:
            conn.close()
        conn = self._connect(reuse=False)
        try:
            with _translated(self._describe()):
                return conn, _stored_version(conn)
        except BaseException:
            conn.close()
            raise

    def _begin(self) -> None:
        conn, current = self._first_version()
        self._conn = conn
        try:
            where = self._describe()
            with _translated(where):
                # The schema is brought up to date in a transaction of its own, kept even
                # if this unit of work ends up rolling back.
                if POSTGRES_MIGRATIONS.pending(current, where=where):
                    conn.execute("BEGIN")
                    try:
                        schema = _PostgresSchema(conn, self.schema, create=self.create, where=where)
                        POSTGRES_MIGRATIONS.apply(schema, where=where)
                    except BaseException:
                        if not conn.broken:
                            conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
            self._begin_transaction()
        except BaseException:
            self._in_transaction = False
            self._conn = None
            conn.close()
            raise

    def _commit(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            with _translated(self._describe()):
                status = self._connection().execute("COMMIT").statusmessage
            if status != "COMMIT":
                # PostgreSQL answers COMMIT of a transaction that an error aborted with
                # ROLLBACK, silently: say so, the writes are gone.
                raise DatabaseError(
                    "nothing was committed: a statement of this unit of work failed "
                    "earlier, which aborted its transaction",
                    path=self._describe(),
                )

    def _rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            conn = self._connection()
            if not conn.closed and not conn.broken:  # a lost connection has nothing to undo
                with _translated(self._describe()):
                    conn.execute("ROLLBACK")

    def _end(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            _give_back(self._key, conn)
