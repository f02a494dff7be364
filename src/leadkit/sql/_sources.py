"""Where a compiled condition reads values: columns of leadkit's layout (optionally
renamed), or leadkit records stored as JSON by :class:`~leadkit.repository.SqliteUnitOfWork`
read through a function the runner registers."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol

import attrs

from leadkit.errors import SqlCompileError
from leadkit.sql._deps import exp
from leadkit.sql._dialect import Dialect
from leadkit.sql._layout import column_name, normalised, property_column

__all__ = ["ColumnSource", "RecordSource", "Source"]


class Source(Protocol):
    """Reads a value of one family, in its canonical form, from the current row."""

    def value(
        self, name: str, family: str, *, typed: bool, normalise: bool = False
    ) -> exp.Expr: ...


@attrs.frozen(slots=True)
class ColumnSource:
    """Columns of leadkit's layout in table ``alias``, ``columns`` renaming some
    (leadkit name -> table name). ``available`` (when known) lists the table's columns:
    a runtime-typed column that is absent reads as NULL (no such values), any other
    absent column is a :class:`SqlCompileError`."""

    alias: str
    dialect: Dialect
    events: bool = False
    columns: Mapping[str, str] = attrs.field(factory=dict)
    available: Collection[str] | None = None

    def value(self, name: str, family: str, *, typed: bool, normalise: bool = False) -> exp.Expr:
        if self.events:
            column = property_column(name, None if typed else family)
        else:
            column = column_name(name, None if typed else family)
        if normalise:
            column = normalised(column)
        if self.events and name == "occurred_at":
            # The events subquery has computed POSIX seconds once per row.
            return exp.column("__ts", table=self.alias, quoted=True)
        stored = self.columns.get(column, column)
        if self.available is not None and stored not in self.available:
            if not typed:
                # Typed, so that an engine that types NULLs strictly (PostgreSQL) can
                # still sum or compare it.
                return exp.cast(exp.Null(), self.dialect.null_type(family))
            raise SqlCompileError(
                f"the {'events' if self.events else 'leads'} table has no column {stored!r} "
                f"(for {name}); write it with leadkit.sql.write_* or map it with columns=",
                path=name,
            )
        ref = exp.column(stored, table=self.alias, quoted=True)
        if family == "datetime":
            return self.dialect.epoch(ref)
        return ref


@attrs.frozen(slots=True)
class RecordSource:
    """Records stored as JSON in a ``data`` column (SQLite unit of work): every value is
    read by ``leadkit_value(data, path, family, normalise)``, a function registered on
    the connection that reads the record with the very getters the Python engine uses."""

    alias: str
    events: bool = False

    def value(self, name: str, family: str, *, typed: bool, normalise: bool = False) -> exp.Expr:
        if self.events and name == "occurred_at":
            return exp.column("__ts", table=self.alias, quoted=True)
        function = "leadkit_event_value" if self.events else "leadkit_lead_value"
        return exp.Anonymous(
            this=function,
            expressions=[
                exp.column("data", table=self.alias, quoted=True),
                exp.Literal.string(name),
                exp.Literal.string(family),
                exp.Literal.number(int(normalise)),
            ],
        )
