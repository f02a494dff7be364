"""Plain tables: text (aligned for Japanese too), CSV, JSON-ready records and HTML.

Every report renders through :class:`Table`, and so does the ``leadkit`` command, so a
report looks the same in a terminal, a notebook and a CSV file.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

from leadkit._html import html_table
from leadkit._locale import column
from leadkit._locale import title as title_text
from leadkit.model import Money

__all__ = ["Percent", "Table", "display_width", "format_cell", "format_money", "table_from_records"]

_WIDE = frozenset("WF")


class Percent(float):
    """A share or rate between 0 and 1 that prints as a percentage (``0.25`` → ``25.0%``)."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self * 100:.1f}%"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (全角) characters count two.

    >>> display_width("abc"), display_width("山田"), display_width("ｻﾝﾌﾟﾙ")
    (3, 4, 5)
    """
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in _WIDE else 1
    return width


def format_money(money: Money) -> str:
    """``1,200,000 JPY``: grouped digits at the currency's decimal places, then the code.

    >>> format_money(Money("1200000", "JPY")), format_money(Money("12.5", "USD"))
    ('1,200,000 JPY', '12.50 USD')
    """
    places = money.minor_units
    return f"{money.amount:,.{places}f} {money.currency}"


def format_cell(value: object) -> str:
    """The text of one cell: empty for ``None``, rates as percentages, money grouped.

    Floats between 0 and 1 are not guessed to be rates; a rate is a :class:`Percent`.

    >>> format_cell(None), format_cell(Percent(0.25)), format_cell(3.14159)
    ('', '25.0%', '3.14')
    """
    if value is None:
        return ""
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return _duration(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(format_cell(v) for v in value)
    return str(value)


def _decimal_text(value: Decimal) -> str:
    # 0.400000 is an exact share to six places; people (and JSON readers) read it as 0.4.
    return f"{value.normalize():f}" if value else "0"


def _duration(value: timedelta) -> str:
    hours = value.total_seconds() / 3600
    if abs(hours) < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def _is_numeric(value: object) -> bool:
    if isinstance(value, tuple) and value:
        return all(isinstance(v, Money) for v in value)
    return isinstance(value, int | float | Decimal | Money | timedelta) and not isinstance(
        value, bool
    )


def _pad(text: str, width: int, *, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def _plain(value: object) -> Any:
    """A JSON-compatible form of one cell (exact decimals as strings)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(float(value), 6)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(v) for v in value]
    return str(value)


def _columns(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rows(value: Iterable[Sequence[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(row) for row in value)


@attrs.frozen(slots=True)
class Table:
    """A titled grid of typed cells that renders as text, CSV, records or HTML.

    >>> t = Table(("owner", "leads"), [("佐藤", 12), ("Smith", 3)], title="Load")
    >>> print(t.to_text())
    Load
    owner  leads
    -----  -----
    佐藤      12
    Smith      3
    """

    columns: tuple[str, ...] = attrs.field(converter=_columns)
    rows: tuple[tuple[object, ...], ...] = attrs.field(converter=_rows)
    title: str | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells; the table has {len(self.columns)} columns"
                )

    def to_text(self) -> str:
        """Aligned columns; numbers right-aligned; wide characters count double; a cell
        with line breaks spans several lines of its row."""
        cells = [[format_cell(v).split("\n") for v in row] for row in self.rows]
        widths = [display_width(c) for c in self.columns]
        for row in cells:
            widths = [
                max(w, *(display_width(line) for line in c))
                for w, c in zip(widths, row, strict=True)
            ]
        numeric = self._numeric_columns()

        def line(texts: Sequence[str]) -> str:
            padded = (_pad(t, w, right=n) for t, w, n in zip(texts, widths, numeric, strict=True))
            return "  ".join(padded).rstrip()

        lines = [] if self.title is None else [self.title]
        lines.append(line(self.columns))
        lines.append("  ".join("-" * w for w in widths))
        for row in cells:
            height = max((len(c) for c in row), default=1)
            for i in range(height):
                lines.append(line([c[i] if i < len(c) else "" for c in row]))
        if not self.rows:
            lines.append("(none)")
        return "\n".join(lines)

    def _numeric_columns(self) -> list[bool]:
        """Which columns hold numbers (right-aligned in text and HTML): those whose
        non-empty cells are all numbers, money, rates or durations. Every other column
        is text and left-aligned, in the terminal and in Jupyter alike."""
        return [
            any(row[i] is not None for row in self.rows)
            and all(row[i] is None or _is_numeric(row[i]) for row in self.rows)
            for i in range(len(self.columns))
        ]

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-compatible dict per row, keyed by column name."""
        return [{c: _plain(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows]

    def to_csv(self, *, formula_safe: bool = True) -> str:
        r"""CSV text with a header row; cells as in :meth:`to_text` (money as ``1,200 JPY``
        is split into ``amount`` and ``currency`` by the callers that need numbers).

        Written like every CSV of leadkit (:class:`leadkit.io.CsvRowWriter`): RFC 4180
        with CRLF rows, so a carriage return inside a cell is quoted, and a cell that a
        spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first;
        plain numbers and phone numbers excepted) gets a leading ``'``.
        ``formula_safe=False`` leaves such cells as they are.

        >>> Table(("name", "note"), [("=1+2", "a\rb")]).to_csv()
        'name,note\r\n\'=1+2,"a\rb"\r\n'
        """
        from leadkit.io import CsvRowWriter

        out = io.StringIO(newline="")
        writer = CsvRowWriter(out, formula_safe=formula_safe)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(v) for v in row])
        return out.getvalue()

    def to_html(self) -> str:
        """An HTML ``<table>``, escaped, for notebooks."""
        return html_table(
            self.columns,
            self.rows,
            caption=self.title,
            cell_text=format_cell,
            right_align=self._numeric_columns(),
        )

    def translated(self, locale: str) -> Table:
        """The same table with its column headings and title in ``locale`` (``"en"`` or
        ``"ja"``; words the catalogue does not know stay as they are).

        >>> Table(("stage", "leads"), [("MQL", 3)]).translated("ja").columns
        ('ステージ', 'リード数')
        """
        columns = tuple(column(c, locale) for c in self.columns)
        heading = None if self.title is None else title_text(self.title, locale)
        if columns == self.columns and heading == self.title:
            return self
        return attrs.evolve(self, columns=columns, title=heading)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def _csv_cell(value: object) -> str:
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return format_cell(value)


def table_from_records(
    records: Sequence[Mapping[str, object]], *, title: str | None = None
) -> Table:
    """A table whose columns are the keys of the first record (all records alike)."""
    if not records:
        return Table((), (), title=title)
    columns = tuple(records[0])
    return Table(columns, [tuple(r.get(c) for c in columns) for r in records], title=title)
