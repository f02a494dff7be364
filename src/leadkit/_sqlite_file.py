"""Opening SQLite files safely: the one policy shared by every SQLite adapter.

leadkit's SQLite files (records, routing state, rate limits; any of them may share one
file) carry ``PRAGMA application_id`` = :data:`APPLICATION_ID`. A file is opened only if
it is leadkit's, or new (missing, zero bytes, or a database without tables) and the
caller allows creating it. Another application's database is refused before anything is
written to it, not even its journal mode. Files from before the mark was introduced are
recognised by their tables and marked on their next write.

Paths go to ``sqlite3`` as plain absolute file names, never spliced into a ``file:``
URI: a name holding ``?``, ``#`` or ``%2E`` addresses exactly that file. The one URI built here
(:func:`inspect_file`, read-only) is percent-encoded by :meth:`pathlib.Path.as_uri`.
"""

from __future__ import annotations

import enum
import os
import sqlite3
from pathlib import Path

import attrs

from leadkit.errors import DatabaseFileError

__all__ = [
    "APPLICATION_ID",
    "DatabaseInfo",
    "FileKind",
    "check_usable",
    "inspect_file",
    "mark_as_leadkit",
    "open_database",
    "set_up",
]

APPLICATION_ID = 0x4C4B4954
"""``PRAGMA application_id`` of leadkit databases: the bytes ``LKIT``."""

# Tables that only leadkit writes, by which a file from before the application id is
# recognised: the record store's schema table, and the tables the rate limiter and the
# routing state created in files of their own.
_OWN_MARKER = "leadkit_schema"
_STANDALONE = frozenset({"leadkit_rate_limit", "routing_state"})


class FileKind(enum.Enum):
    """What a file holds, as far as leadkit is concerned."""

    NEW = "new"
    """No file, zero bytes, or a database with no tables and no application id."""
    LEADKIT = "leadkit"
    """Marked with leadkit's application id, or holding leadkit's own tables."""
    FOREIGN = "foreign"
    """Another application's database."""


@attrs.frozen
class DatabaseInfo:
    """What :func:`inspect_file` found: the application id and the table names."""

    application_id: int
    tables: frozenset[str]

    @property
    def kind(self) -> FileKind:
        """Whether the database is new, leadkit's, or another application's."""
        if self.application_id == APPLICATION_ID:
            return FileKind.LEADKIT
        if self.application_id != 0:
            return FileKind.FOREIGN
        if not self.tables:
            return FileKind.NEW
        if _OWN_MARKER in self.tables or self.tables <= _STANDALONE:
            return FileKind.LEADKIT
        return FileKind.FOREIGN


def _info(conn: sqlite3.Connection, file: str, *, tables: bool = False) -> DatabaseInfo:
    try:
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        if application_id == APPLICATION_ID and not tables:
            return DatabaseInfo(application_id, frozenset())  # the fast path
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseFileError(
            f"is not a SQLite database ({exc})", file=file, code="not_a_database"
        ) from None
    return DatabaseInfo(int(application_id), frozenset(str(name) for (name,) in rows))


def check_usable(conn: sqlite3.Connection, file: str, *, create: bool) -> FileKind:
    """Refuse (:class:`DatabaseFileError`) unless ``conn``'s database is leadkit's, or new
    and ``create`` allows it; return which of the two it is."""
    info = _info(conn, file)
    kind = info.kind
    if kind is FileKind.FOREIGN:
        what = (
            f"application id {info.application_id:#x}"
            if info.application_id
            else f"tables {', '.join(sorted(info.tables)[:5])}"
            + (" ..." if len(info.tables) > 5 else "")
        )
        raise DatabaseFileError(
            f"is another application's database ({what}), not leadkit's; leadkit adds no "
            "tables to it: give the path of a new file or of a leadkit database",
            file=file,
            code="foreign_database",
        )
    if kind is FileKind.NEW and not create:
        raise DatabaseFileError(
            "is not a leadkit database yet (it is empty); pass create=True to set one up",
            file=file,
            code="database_missing",
        )
    return kind


def mark_as_leadkit(conn: sqlite3.Connection) -> None:
    """Set leadkit's application id (inside the caller's write transaction)."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _check_path(path: Path, file: str, *, create: bool) -> None:
    if path.is_dir():
        raise DatabaseFileError(
            "is a folder; give the path of a database file in it",
            file=file,
            code="database_unusable",
        )
    if path.exists():
        return
    if not create:
        raise DatabaseFileError("does not exist", file=file, code="database_missing")
    if not path.parent.is_dir():
        raise DatabaseFileError(
            f"cannot be created: the folder {str(path.parent)!r} does not exist",
            file=file,
            code="database_missing",
        )


def open_database(
    path: str | os.PathLike[str],
    *,
    create: bool,
    timeout: float,
    check_same_thread: bool = True,
) -> tuple[sqlite3.Connection, FileKind]:
    """An autocommit connection to ``path`` (created if missing and ``create``), after
    :func:`check_usable`; nothing has been written to the file yet."""
    file = os.fspath(path)
    target = Path(file)
    _check_path(target, file, create=create)
    try:
        # Absolute, so that a name starting with "file:" is never read as a URI (this
        # SQLite may be built with SQLITE_USE_URI, which reads URIs even when uri=False).
        conn = sqlite3.connect(
            os.path.abspath(file),
            timeout=timeout,
            isolation_level=None,
            check_same_thread=check_same_thread,
        )
    except sqlite3.Error as exc:
        raise DatabaseFileError(f"cannot be opened ({exc})", file=file) from None
    try:
        kind = check_usable(conn, file, create=create)
    except BaseException:
        conn.close()
        raise
    return conn, kind


def inspect_file(path: str | os.PathLike[str]) -> DatabaseInfo | None:
    """What the file at ``path`` holds, read without creating or changing any file
    (``None`` if there is no file; zero bytes read as a new database).

    A database whose write-ahead log is not there is read as ``immutable`` (so SQLite
    creates no ``-wal``/``-shm`` files beside it); one with a live log, read-only.
    Raises :class:`DatabaseFileError` for a folder or a file that is not a database.
    """
    file = os.fspath(path)
    target = Path(file)
    if target.is_dir():
        raise DatabaseFileError("is a folder, not a database file", file=file)
    if not target.exists():
        return None
    if target.stat().st_size == 0:
        return DatabaseInfo(0, frozenset())
    live_log = Path(f"{file}-wal").exists() and Path(f"{file}-shm").exists()
    uri = target.resolve().as_uri() + ("?mode=ro" if live_log else "?immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise DatabaseFileError(f"cannot be opened ({exc})", file=file) from None
    try:
        return _info(conn, file, tables=True)
    finally:
        conn.close()


def set_up(conn: sqlite3.Connection, file: str, *, create: bool, schema: str, table: str) -> None:
    """Run ``schema`` (``;``-separated, idempotent statements) and mark the database as
    leadkit's, in one write transaction that checks the file again under the lock;
    nothing to do (and no lock taken) when it is marked and ``table`` exists."""
    try:
        (application_id,) = conn.execute("PRAGMA application_id").fetchone()
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if application_id == APPLICATION_ID and found is not None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            check_usable(conn, file, create=create)
            (application_id,) = conn.execute("PRAGMA application_id").fetchone()
            if application_id != APPLICATION_ID:
                mark_as_leadkit(conn)
            for statement in schema.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        raise DatabaseFileError(f"cannot be set up ({exc})", file=file) from None
