"""What differs between the engines leadkit renders SQL for, in one place.

Values reach every condition in one canonical form per family (see
:mod:`leadkit.sql._layout`): text as text, numbers as numbers, flags as booleans, dates as
dates (ISO text in SQLite, which has no date type) and datetimes as POSIX seconds (a
double), so that windows, decay and ages are the same float arithmetic as the Python
engine's.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import attrs

from leadkit.errors import SqlCompileError
from leadkit.sql._deps import exp

__all__ = ["DIALECTS", "Dialect", "dialect_of"]


@attrs.frozen(slots=True)
class Dialect:
    """An engine: its sqlglot dialect name and how it spells what SQL does not share."""

    name: str
    regex: str
    """``"re2"``: REGEXP_MATCHES with RE2, as the Python engine; ``"udf"``: a function
    the runner registers (SQLite); ``""``: no regex with the Python semantics."""
    text_dates: bool = False
    """Dates are stored and compared as ISO text (SQLite)."""
    epoch_datetimes: bool = False
    """Datetimes are stored as POSIX seconds already (SQLite)."""

    def epoch(self, column: exp.Expr) -> exp.Expr:
        """A stored datetime column as POSIX seconds (a double)."""
        if self.epoch_datetimes:
            return column
        if self.name == "duckdb":
            return exp.Anonymous(this="EPOCH", expressions=[column])
        if self.name == "postgres":
            # EXTRACT gives a NUMERIC: the engine's arithmetic is in doubles.
            return exp.cast(exp.Extract(this=exp.var("EPOCH"), expression=column), "DOUBLE")
        # Spark: microseconds since the epoch, as a double, in seconds.
        micros = exp.Anonymous(this="UNIX_MICROS", expressions=[column])
        return exp.Div(this=exp.cast(micros, "DOUBLE"), expression=exp.Literal.number("1000000.0"))

    def clamp(self, value: exp.Expr, low: exp.Expr, high: exp.Expr) -> exp.Expr:
        """``value`` limited to ``low``..``high`` (none of them NULL), naming ``value``
        once (sqlglot's GREATEST for DuckDB would repeat it for NULL checks)."""
        largest, least = ("MAX", "MIN") if self.name == "sqlite" else ("GREATEST", "LEAST")
        raised = exp.Anonymous(this=largest, expressions=[value, low])
        return exp.Anonymous(this=least, expressions=[raised, high])

    def null_type(self, family: str) -> str:
        """The SQL type of a NULL of ``family`` in its canonical form."""
        if family == "date":
            return "TEXT" if self.text_dates else "DATE"
        return {"number": "DOUBLE", "datetime": "DOUBLE", "bool": "BOOLEAN"}.get(family, "TEXT")

    def date_literal(self, value: date) -> exp.Expr:
        """A date literal in this engine's date form."""
        text = exp.Literal.string(value.isoformat())
        return text if self.text_dates else exp.cast(text, "DATE")

    def search(self, value: exp.Expr, pattern: str, *, ignore_case: bool, where: str) -> exp.Expr:
        """``value`` matches the RE2 ``pattern`` anywhere."""
        if self.regex == "re2":
            text = f"(?i){pattern}" if ignore_case else pattern
            return exp.RegexpLike(this=value, expression=exp.Literal.string(text))
        if self.regex == "udf":
            return exp.Anonymous(
                this="leadkit_search",
                expressions=[
                    exp.Literal.string(pattern),
                    exp.Literal.number(int(ignore_case)),
                    value,
                ],
            )
        raise SqlCompileError(
            f"{where}: matches() uses RE2 semantics, which {self.name} regular expressions "
            "do not have; run this condition on DuckDB or SQLite, or use contains()/"
            "startswith()"
        )


DIALECTS: Final = {
    "duckdb": Dialect("duckdb", regex="re2"),
    "sqlite": Dialect("sqlite", regex="udf", text_dates=True, epoch_datetimes=True),
    "spark": Dialect("spark", regex=""),
    "postgres": Dialect("postgres", regex=""),
}


def dialect_of(name: str) -> Dialect:
    """The engine called ``name``, or :class:`SqlCompileError` listing the known ones."""
    try:
        return DIALECTS[name]
    except (KeyError, TypeError):
        raise SqlCompileError(
            f"unknown SQL dialect {name!r}; expected one of {', '.join(DIALECTS)}",
            path="dialect",
        ) from None
