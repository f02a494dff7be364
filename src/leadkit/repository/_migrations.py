"""Schema versions and forward migrations: the one mechanism every SQL adapter uses.

A database's schema is the result of running the first ``version`` migrations of its
adapter's :class:`Migrations`, in order; the version reached is stored in the database
(``leadkit_schema``). Opening a database runs the migrations it lacks, inside the
caller's transaction, and refuses a database whose version is newer than the code knows
(:class:`~leadkit.errors.SchemaVersionError`): an old leadkit never writes to a schema it
does not understand.

Migrations are append-only: never edit one that has shipped; add the next. Each adapter
has its own list (the SQL differs), the bookkeeping is this module's. An adapter supplies
a :class:`SchemaStore`: how to read and write the stored version and run a statement.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from leadkit.repository._errors import SchemaVersionError

__all__ = ["Migration", "Migrations", "SchemaStore"]


@attrs.frozen
class Migration:
    """One forward step: what it does, and its SQL (statements separated by ``;``, none
    of which may hold a ``;`` of its own)."""

    description: str
    script: str

    @property
    def statements(self) -> list[str]:
        """The script's statements, in order."""
        return [s.strip() for s in self.script.split(";") if s.strip()]


class SchemaStore(Protocol):
    """What :meth:`Migrations.apply` needs of a database, on the caller's transaction."""

    def read_version(self) -> int:
        """The stored schema version; 0 for a database without leadkit's schema table."""
        ...

    def create_version_table(self) -> None:
        """Create ``leadkit_schema`` holding version 0."""
        ...

    def execute(self, statement: str) -> None:
        """Run one statement of a migration."""
        ...

    def write_version(self, version: int) -> None:
        """Store the version reached."""
        ...


@attrs.frozen
class Migrations:
    """An adapter's migrations, oldest first; the schema version is how many there are.

    >>> plan = Migrations((Migration("one", "CREATE TABLE a (x INT)"),))
    >>> plan.version
    1
    >>> plan.pending(0, where="db")[0].description
    'one'
    >>> plan.pending(2, where="db")
    Traceback (most recent call last):
    ...
    leadkit.errors.SchemaVersionError: db: the database has schema version 2, newer than ...
    """

    steps: tuple[Migration, ...]

    @property
    def version(self) -> int:
        """The schema version these migrations reach."""
        return len(self.steps)

    def pending(self, current: int, *, where: str) -> tuple[Migration, ...]:
        """The migrations a database at ``current`` lacks; refuses a newer database."""
        if current > self.version:
            raise SchemaVersionError(
                f"the database has schema version {current}, newer than the {self.version} "
                "this leadkit knows; upgrade leadkit to open it",
                path=where,
            )
        return self.steps[current:]

    def apply(self, store: SchemaStore, *, where: str) -> bool:
        """Bring ``store`` up to :attr:`version`; True if anything ran."""
        current = store.read_version()
        steps = self.pending(current, where=where)
        if not steps:
            return False
        if current == 0:
            store.create_version_table()
        for step in steps:
            for statement in step.statements:
                store.execute(statement)
        store.write_version(self.version)
        return True
