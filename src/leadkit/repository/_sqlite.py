"""The SQLite adapter (standard library ``sqlite3``).

One table per record kind: ``id``, ``version``, the lookup columns (indexed) and the whole
record as JSON in ``data``, written and read through :mod:`leadkit.io`'s converter. The
database runs in WAL mode so readers never block the writer. Each unit of work is one
``BEGIN IMMEDIATE`` transaction: writers queue for the lock (up to ``timeout`` seconds)
instead of failing half-way, and every ``UPDATE`` carries ``AND version = ?`` so a stale
write changes nothing and raises :class:`~leadkit.errors.ConcurrencyError`.

The schema is created and upgraded by numbered migrations; the version reached is kept
in ``leadkit_schema``, and the file is marked as leadkit's with ``PRAGMA application_id``
(see :mod:`leadkit._sqlite_file`): another application's database is refused, never
given leadkit's tables.
"""

from __future__ import annotations

import atexit
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from typing import Any, Generic, Literal, TypeVar

from leadkit._sqlite_file import APPLICATION_ID, check_usable, mark_as_leadkit, open_database
from leadkit.errors import ConcurrencyError, LoadError, Problem, ValidationError
from leadkit.io import structure_stored, unstructure
from leadkit.repository._config import CONFIG_SCHEMA, SqliteConfig
from leadkit.repository._enrolments import ENROLMENT_SCHEMA_SQLITE, SqliteEnrolments
from leadkit.repository._generic import Table
from leadkit.repository._histories import (
    HISTORY_SCHEMA_SQLITE,
    SqliteRoutingDecisions,
    SqliteStageHistories,
)
from leadkit.repository._migrations import Migration, Migrations
from leadkit.repository._outbox import OUTBOX_SCHEMA_SQLITE, SqliteOutbox
from leadkit.repository._pending import SQLITE_PENDING_SCHEMA, SqlitePendingQueue
from leadkit.repository._protocols import Record
from leadkit.repository._schema import TABLES, TableSpec
from leadkit.repository._state import SCHEMA as STATE_SCHEMA
from leadkit.repository._state import SqliteRateLimits, SqliteRoutingState
from leadkit.repository._unit import BaseUnitOfWork
from leadkit.repository._visitors import VISITOR_SCHEMA_SQLITE, SqliteVisitors

__all__ = ["SCHEMA_VERSION", "SqliteUnitOfWork"]

R = TypeVar("R", bound=Record)


def _table(name: str, *columns: str) -> str:
    lookup = "".join(f"    {column} TEXT,\n" for column in columns)
    indexes = "".join(f"CREATE INDEX {name}_{column} ON {name} ({column});\n" for column in columns)
    return (
        f"CREATE TABLE {name} (\n    id TEXT PRIMARY KEY,\n    version INTEGER NOT NULL,\n"
        f"{lookup}    data TEXT NOT NULL\n);\n{indexes}"
    )


_ACTIVITY = ("lead_id", "contact_id", "account_id", "opportunity_id")

# Migrations are append-only: the schema a database has is the result of running the
# first ``version`` of them. Never edit one that has shipped; add the next.
_MIGRATIONS: tuple[str, ...] = (
    # 1: the initial schema.
    "".join(
        [
            _table(
                "leads",
                "email_key",
                "company_key",
                "phone_key",
                "mobile_key",
                "owner",
                "active_owner",
                "status",
            ),
            _table("accounts", "company_key", "domain"),
            _table("contacts", "account_id", "email_key", "phone_key", "mobile_key"),
            _table("opportunities", "account_id", "campaign_id"),
            _table("tasks", *_ACTIVITY),
            _table("events", *_ACTIVITY),
            _table("campaigns"),
            _table("campaign_members", "campaign_id", "lead_id", "contact_id"),
            _table("engagement_events", "lead_id", "contact_id"),
            _table("users"),
            _table("queues"),
        ]
    ),
    # 2: accounts findable by parent (merging accounts re-parents their branches).
    "ALTER TABLE accounts ADD COLUMN parent_id TEXT;"
    "UPDATE accounts SET parent_id = json_extract(data, '$.parent_id');"
    "CREATE INDEX accounts_parent_id ON accounts (parent_id);",
    # 3: routing state and rate limits, in the records' transaction (issue 11).
    STATE_SCHEMA,
    # 4: nurture enrolments and the outbox of domain events (issue 17).
    ENROLMENT_SCHEMA_SQLITE + ";" + OUTBOX_SCHEMA_SQLITE,
    # 5: the store's configuration: its catalogues (issue 19).
    CONFIG_SCHEMA,
    # 6: the web-to-lead pending queue (issue 18).
    SQLITE_PENDING_SCHEMA,
    # 7: stage histories and routing decisions, kept beside the records (issue 19).
    HISTORY_SCHEMA_SQLITE,
    # 8: anonymous visitor events and visitor links (issue 20).
    VISITOR_SCHEMA_SQLITE,
)

MIGRATIONS = Migrations(
    (
        Migration("the initial schema", _MIGRATIONS[0]),
        Migration("accounts findable by parent", _MIGRATIONS[1]),
        Migration("routing state and rate limits", _MIGRATIONS[2]),
        Migration("nurture enrolments and the outbox", _MIGRATIONS[3]),
        Migration("the store's configuration (catalogues)", _MIGRATIONS[4]),
        Migration("the web-to-lead pending queue", _MIGRATIONS[5]),
        Migration("stage histories and routing decisions", _MIGRATIONS[6]),
        Migration("visitor events and visitor links", _MIGRATIONS[7]),
    )
)
"""The SQLite schema's migrations, run by the mechanism every SQL adapter shares."""

SCHEMA_VERSION = MIGRATIONS.version
"""The schema version this leadkit writes; older databases are migrated on first use."""


class _SqliteSchema:
    """:class:`~leadkit.repository._migrations.SchemaStore` on a SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def read_version(self) -> int:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leadkit_schema'"
        ).fetchone()
        if row is None:
            return 0
        (version,) = self._conn.execute("SELECT version FROM leadkit_schema").fetchone()
        return int(version)

    def create_version_table(self) -> None:
        self._conn.execute("CREATE TABLE leadkit_schema (version INTEGER NOT NULL)")
        self._conn.execute("INSERT INTO leadkit_schema (version) VALUES (0)")

    def execute(self, statement: str) -> None:
        self._conn.execute(statement)

    def write_version(self, version: int) -> None:
        self._conn.execute("UPDATE leadkit_schema SET version = ?", (version,))


def migrate(conn: sqlite3.Connection, *, path: str, create: bool = True) -> bool:
    """Bring the schema up to :data:`SCHEMA_VERSION` inside the caller's transaction;
    True if anything changed. The database must be leadkit's or new (checked again here,
    under the write lock); an unmarked one is marked with leadkit's application id."""
    (application_id,) = conn.execute("PRAGMA application_id").fetchone()
    marked = application_id == APPLICATION_ID
    if not marked:
        check_usable(conn, path, create=create)
        mark_as_leadkit(conn)
    changed = MIGRATIONS.apply(_SqliteSchema(conn), where=path)
    return changed or not marked


# SQLite checkpoints and deletes the WAL file whenever the last connection to a database
# closes, and re-creating it syncs to disk: with one connection per unit of work, every
# unit would pay two disk syncs (about 20 ms each on ordinary disks). So each process keeps
# one idle connection to each recently used database; it holds no lock, so it never blocks
# other connections or processes. The few most recent databases are kept (bounded file
# descriptors); all are closed at exit.
_KEPT_DATABASES = 8
_keepers: OrderedDict[tuple[str, int], sqlite3.Connection] = OrderedDict()
_keepers_lock = threading.Lock()


def _keep_database_open(path: str) -> None:
    key = (os.path.abspath(path), os.getpid())
    with _keepers_lock:
        if key in _keepers:
            _keepers.move_to_end(key)
            return
        keeper = sqlite3.connect(key[0], check_same_thread=False)
        # One finished read opens the WAL index; the connection then idles without locks.
        keeper.execute("SELECT version FROM leadkit_schema").fetchall()
        _keepers[key] = keeper
        while len(_keepers) > _KEPT_DATABASES:
            (_, pid), oldest = _keepers.popitem(last=False)
            if pid == os.getpid():
                oldest.close()


def release_database(path: str | os.PathLike[str]) -> None:
    """Close this process's idle connection to ``path``, before the file is deleted or
    replaced (an idle connection to a deleted file would, on closing, remove the
    write-ahead log of the file that took its name)."""
    key = (os.path.abspath(path), os.getpid())
    with _keepers_lock:
        keeper = _keepers.pop(key, None)
    if keeper is not None:
        keeper.close()


@atexit.register
def _close_keepers() -> None:
    with _keepers_lock:
        for (_, pid), keeper in _keepers.items():
            if pid == os.getpid():  # never touch a connection inherited through fork
                keeper.close()
        _keepers.clear()


# An SQLite connection must not be carried across fork(): close the keepers first (the
# parent reopens one on its next unit of work; the child starts with none).
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_close_keepers)


class _SqliteTable(Generic[R]):
    """One record kind's table, reached through the unit of work's open connection.

    Inside a transaction the unit of work holds SQLite's write lock (``BEGIN
    IMMEDIATE``), so no other connection can change a row until it ends: the table keeps
    the records it read or wrote in this transaction (by id, and the ids each lookup
    found) and serves them again without a query or a second decoding. The caches are
    dropped when the transaction ends (:meth:`forget`); a write updates them only after
    SQLite accepted it.
    """

    def __init__(self, spec: TableSpec[R], connection: Callable[[], sqlite3.Connection]) -> None:
        self.spec = spec
        self._connection = connection
        name, columns = spec.name, spec.columns
        all_columns = ("id", "version", *columns, "data")
        self._select = f"SELECT id, version, data FROM {name} WHERE id = ?"
        self._insert = (
            f"INSERT INTO {name} ({', '.join(all_columns)}) "
            f"VALUES ({', '.join('?' for _ in all_columns)})"
        )
        sets = ", ".join(f"{c} = ?" for c in ("version", *columns, "data"))
        self._update = f"UPDATE {name} SET {sets} WHERE id = ? AND version = ?"
        self._delete = f"DELETE FROM {name} WHERE id = ? AND version = ?"
        self._scan = f"SELECT id, version, data FROM {name} ORDER BY rowid"
        self._count = f"SELECT COUNT(*) FROM {name}"
        self._position = {column: i for i, column in enumerate(columns)}
        # This transaction's records by id (None: known not to exist) and, per lookup
        # (columns, value), the ids found, in rowid order.
        self._records: dict[str, R | None] = {}
        self._lookups: dict[tuple[tuple[str, ...], str], list[str]] = {}
        # The columns of the cached lookups per value, to find those a write affects.
        self._by_value: dict[str, set[tuple[str, ...]]] = {}

    def forget(self) -> None:
        """Drop what this transaction read and wrote (it ended: others may write now)."""
        if not self._records and not self._lookups:
            return
        self._records.clear()
        self._lookups.clear()
        self._by_value.clear()

    def _remember(self, columns: tuple[str, ...], value: str, ids: list[str]) -> None:
        self._lookups[(columns, value)] = ids
        self._by_value.setdefault(value, set()).add(columns)

    def _affected(self, keys: Iterable[str | None]) -> list[tuple[tuple[str, ...], str]]:
        """The cached lookups that may find a row with these key values."""
        return [
            (columns, value)
            for value in {k for k in keys if k is not None}
            for columns in self._by_value.get(value, ())
        ]

    def _drop(self, key: tuple[tuple[str, ...], str]) -> None:
        del self._lookups[key]
        self._by_value[key[1]].discard(key[0])

    def _dump(self, record: R) -> list[Any]:
        try:
            # allow_nan=False: bare NaN is not JSON (json_extract and other tools fail on
            # it); the converter tags non-finite custom numbers, anything left is a bug.
            data = json.dumps(
                unstructure(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False
            )
            data.encode("utf-8")
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValidationError(
                f"cannot be stored as JSON ({exc})", path=(self.spec.name, record.id)
            ) from None
        return [record.version, *self.spec.keys(record), data]

    def _load(self, id: str, version: int, data: str) -> R:
        known = self._records.get(id)
        if known is not None and known.version == version:
            return known
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
        # The column is what the version check in UPDATE uses, so it is the truth.
        plain["version"] = version
        record = structure_stored(plain, self.spec.type, root=f"{self.spec.name}.data")
        self._records[id] = record
        return record

    def _matches(self, row: list[Any], columns: tuple[str, ...], value: str) -> bool:
        """Whether a dumped row (version, keys..., data) is found by this lookup."""
        return any(row[1 + self._position[c]] == value for c in columns)

    def _stored(self, record: R, row: list[Any]) -> None:
        """A record just inserted (its row dumped as ``row``): cache it; it comes last in
        rowid order, so it joins the end of every cached lookup that finds it."""
        self._records[record.id] = record
        for columns, value in self._affected(row[1:-1]):
            if self._matches(row, columns, value):
                self._lookups[(columns, value)].append(record.id)

    def load(self, id: str) -> R | None:
        if id in self._records:
            return self._records[id]
        row = self._connection().execute(self._select, (id,)).fetchone()
        if row is None:
            self._records[id] = None
            return None
        return self._load(*row)

    def insert(self, record: R) -> bool:
        row = self._dump(record)
        try:
            self._connection().execute(self._insert, [record.id, *row])
        except sqlite3.IntegrityError:
            return False
        self._stored(record, row)
        return True

    def insert_many(self, records: list[R]) -> list[str]:
        """Insert every record in one ``executemany``, or none: the ids already taken."""
        rows = [self._dump(record) for record in records]
        conn = self._connection()
        conn.execute("SAVEPOINT leadkit_insert_many")
        try:
            conn.executemany(
                self._insert, [[r.id, *row] for r, row in zip(records, rows, strict=True)]
            )
        except sqlite3.IntegrityError:
            conn.execute("ROLLBACK TO leadkit_insert_many")
            conn.execute("RELEASE leadkit_insert_many")
            return [record.id for record in records if self.load(record.id) is not None]
        conn.execute("RELEASE leadkit_insert_many")
        for record, row in zip(records, rows, strict=True):
            self._stored(record, row)
        return []

    def replace(self, record: R, expected_version: int) -> bool:
        row = self._dump(record)
        values = [*row, record.id, expected_version]
        if self._connection().execute(self._update, values).rowcount != 1:
            return False
        old = self._records.get(record.id)
        self._records[record.id] = record
        if old is None:  # not read in this transaction: its old keys are unknown
            self._lookups.clear()
            self._by_value.clear()
            return True
        # An UPDATE keeps the rowid: a lookup that found the record still lists it in
        # place if it still finds it; one whose answer changed is asked again next time.
        for key in self._affected([*self.spec.keys(old), *row[1:-1]]):
            if (record.id in self._lookups[key]) != self._matches(row, *key):
                self._drop(key)
        return True

    def delete(self, id: str, expected_version: int) -> bool:
        if self._connection().execute(self._delete, (id, expected_version)).rowcount != 1:
            return False
        old = self._records.get(id)
        self._records[id] = None
        keys = self._lookups if old is None else self._affected(self.spec.keys(old))
        for key in keys:
            ids = self._lookups[key]
            if id in ids:
                ids.remove(id)
        return True

    def scan(self) -> list[R]:
        return [self._load(*row) for row in self._connection().execute(self._scan)]

    def warm(self, column: str, values: Collection[str]) -> None:
        """Read the records whose ``column`` is one of ``values`` in a few queries, so
        that the lookups of this transaction that follow need none."""
        column = self._column(column)
        wanted = [v for v in dict.fromkeys(values) if ((column,), v) not in self._lookups]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = (
                f"SELECT id, version, data, {column} FROM {self.spec.name} "
                f"WHERE {column} IN ({marks}) ORDER BY rowid"
            )
            found: dict[str, list[str]] = {value: [] for value in chunk}
            for id, version, data, value in self._connection().execute(sql, chunk):
                self._load(id, version, data)
                found[value].append(id)
            for value, ids in found.items():
                self._remember((column,), value, ids)

    def load_many(self, ids: Collection[str]) -> None:
        """Read the records with these ids in a few queries (into this transaction's
        cache; :meth:`load` then needs no query)."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._records]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            sql = f"SELECT id, version, data FROM {self.spec.name} WHERE id IN ({marks})"
            for row in self._connection().execute(sql, chunk):
                self._load(*row)
            for id in chunk:
                self._records.setdefault(id, None)

    def count(self) -> int:
        (n,) = self._connection().execute(self._count).fetchone()
        return int(n)

    def lookup(self, columns: tuple[str, ...], value: str) -> list[R]:
        known = self._lookups.get((columns, value))
        if known is not None:
            return [self._records[id] for id in known]  # type: ignore[misc]
        where = " OR ".join(f"{self._column(c)} = ?" for c in columns)
        sql = f"SELECT id, version, data FROM {self.spec.name} WHERE {where} ORDER BY rowid"
        rows = self._connection().execute(sql, [value] * len(columns))
        found = [self._load(*row) for row in rows]
        self._remember(columns, value, [record.id for record in found])
        return found

    def count_by(
        self, column: str, *, unless_column: str, unless_values: Collection[str]
    ) -> dict[str, int]:
        group, unless = self._column(column), self._column(unless_column)
        marks = ", ".join("?" for _ in unless_values)
        sql = (
            f"SELECT {group}, COUNT(*) FROM {self.spec.name} WHERE {group} IS NOT NULL "
            f"AND ({unless} IS NULL OR {unless} NOT IN ({marks})) GROUP BY {group}"
        )
        rows: list[tuple[str, int]] = (
            self._connection().execute(sql, list(unless_values)).fetchall()
        )
        return dict(rows)

    def _column(self, name: str) -> str:
        # Column names are spliced into SQL: only the spec's own names may get there.
        if name not in self.spec.columns:
            raise ValidationError(f"unknown lookup column {name!r}", path=self.spec.name)
        return name


class SqliteUnitOfWork(BaseUnitOfWork):
    """A :class:`~leadkit.repository.UnitOfWork` on a SQLite database file.

    Each ``with`` block opens a connection, takes the write lock (``BEGIN IMMEDIATE``,
    waiting up to ``timeout`` seconds for other writers) and closes the connection at the
    end. The schema is created or migrated on first use. ``synchronous="NORMAL"`` (the
    default, safe against application crashes in WAL mode) or ``"FULL"`` (also survives
    power loss, slower).

    The file must be a leadkit database, or new: missing, empty, or a database without
    tables, set up when ``create`` is True (the default; ``create=False`` opens only an
    existing leadkit database). Anything else raises
    :class:`~leadkit.errors.DatabaseFileError` naming the file, before anything is
    written: another application's database (it gets no leadkit tables), a file that is
    not a database, a folder, a path in a folder that does not exist.

    ``functools.partial(SqliteUnitOfWork, path)`` is a unit-of-work factory; the object
    itself can also be entered again and again, by one thread at a time (give each thread
    or process its own). Each process keeps one idle connection per recently used file so
    that SQLite does not checkpoint its write-ahead log after every unit of work; it is
    closed before ``fork()`` and at exit.

    >>> import tempfile, os
    >>> from datetime import datetime, UTC
    >>> from leadkit.model import User
    >>> path = os.path.join(tempfile.mkdtemp(), "crm.db")
    >>> with SqliteUnitOfWork(path) as uow:
    ...     _ = uow.users.add(User(id="u-1", name="佐藤 健"))
    ...     uow.commit()
    >>> with SqliteUnitOfWork(path) as uow:
    ...     uow.users.get("u-1").name
    '佐藤 健'
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        create: bool = True,
        record_events: bool = False,
    ) -> None:
        if not isinstance(create, bool):
            raise ValidationError(
                f"create is True or False, got {create!r}", path="SqliteUnitOfWork.create"
            )
        if not isinstance(path, str | os.PathLike):
            raise ValidationError(
                f"path is a file path, got {type(path).__name__}", path="SqliteUnitOfWork.path"
            )
        if synchronous not in ("NORMAL", "FULL"):
            raise ValidationError(
                f"synchronous must be 'NORMAL' or 'FULL', got {synchronous!r}",
                path="SqliteUnitOfWork.synchronous",
            )
        self.path = os.fspath(path)
        if self.path == ":memory:" or self.path.startswith("file:"):
            raise ValidationError(
                "give the path of a database file; an in-memory SQLite database lives only "
                "as long as one connection (use InMemoryUnitOfWork instead)",
                path="SqliteUnitOfWork.path",
            )
        self.timeout = timeout
        self.synchronous = synchronous
        self.create = create
        self._conn: sqlite3.Connection | None = None
        self._in_transaction = False
        self._tables = {name: _SqliteTable(spec, self._connection) for name, spec in TABLES.items()}
        super().__init__(
            routing_state=SqliteRoutingState(self._connection, self._guard),
            rate_limits=SqliteRateLimits(self._connection, self._guard),
            enrolments=SqliteEnrolments(self._connection, self._guard),
            outbox=SqliteOutbox(self._connection, self._guard),
            record_events=record_events,
            config=SqliteConfig(self._connection, self._guard),
            pending=SqlitePendingQueue(self._connection, self._guard),
            stage_histories=SqliteStageHistories(self._connection, self._guard),
            routing_decisions=SqliteRoutingDecisions(self._connection, self._guard),
            visitors=SqliteVisitors(self._connection, self._guard),
        )

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<SqliteUnitOfWork {state} {self.path!r}>"

    def _table(self, name: str) -> Table[Any]:
        return self._tables[name]

    def _connection(self) -> sqlite3.Connection:
        assert self._conn is not None  # the guard ran first
        return self._conn

    def _guard(self) -> None:
        super()._guard()
        if not self._in_transaction:
            self._begin_transaction()

    def _begin_transaction(self) -> None:
        try:
            self._connection().execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ConcurrencyError(
                f"the database is busy: another writer held it for more than {self.timeout} s "
                f"({exc}); retry later or raise timeout",
                path=self.path,
            ) from exc
        self._in_transaction = True

    def _begin(self) -> None:
        # Refuses a foreign or broken file before the journal mode is touched.
        conn, _ = open_database(self.path, create=self.create, timeout=self.timeout)
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":  # pragma: no cover - only on file systems without WAL
                raise ValidationError(f"cannot use WAL mode (got {mode!r})", path=self.path)
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            self._conn = conn
            self._begin_transaction()
            if migrate(conn, path=self.path, create=self.create):
                # Keep the schema even if this unit of work ends up rolling back.
                conn.execute("COMMIT")
                self._in_transaction = False
                self._begin_transaction()
            _keep_database_open(self.path)
        except BaseException:
            self._in_transaction = False
            self._conn = None
            conn.close()
            raise

    def _forget(self) -> None:
        for table in self._tables.values():
            table.forget()

    def _commit(self) -> None:
        if self._in_transaction:
            self._forget()
            self._connection().execute("COMMIT")
            self._in_transaction = False

    def _rollback(self) -> None:
        self._forget()
        if self._in_transaction:
            self._in_transaction = False
            # SQLite may have rolled back already (a failed COMMIT); do not mask that error.
            if self._connection().in_transaction:
                self._connection().execute("ROLLBACK")

    def _end(self) -> None:
        self._forget()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
