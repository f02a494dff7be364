"""What every report shares: typed rows, a text table, records, a DataFrame and HTML."""

from __future__ import annotations

from typing import Any

from leadkit._optional import require
from leadkit.errors import MissingExtraError
from leadkit.reports._table import Table

__all__ = ["MissingExtraError", "ReportMixin", "require"]


class ReportMixin:
    """Rendering for a report that can describe itself as a :class:`Table`.

    A report class defines :meth:`table`; the mixin gives it :meth:`to_text`,
    :meth:`to_records`, :meth:`to_csv`, :meth:`to_dataframe`, ``_repr_html_`` (Jupyter)
    and a one-line ``repr``. ``locale="ja"`` writes the headings (and, where a report
    knows them, its group names) in Japanese; records and DataFrames keep English keys.
    """

    __slots__ = ()

    def table(self) -> Table:
        """The report as a table (overridden by each report)."""
        raise NotImplementedError

    def _table_in(self, locale: str) -> Table:
        """The table in ``locale``: by default :meth:`table` with translated headings."""
        return self.table().translated(locale)

    def to_text(self, *, locale: str = "en") -> str:
        """An aligned text table for terminals and logs."""
        return self._table_in(locale).to_text()

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-compatible dict per row."""
        return self.table().to_records()

    def to_csv(self, *, formula_safe: bool = True, locale: str = "en") -> str:
        """CSV text with a header row (see :meth:`Table.to_csv`)."""
        return self._table_in(locale).to_csv(formula_safe=formula_safe)

    def to_html(self, *, locale: str = "en") -> str:
        """An HTML table (what Jupyter shows), text left-aligned and numbers right."""
        return self._table_in(locale).to_html()

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the records (needs ``leadkit[pandas]``)."""
        pd = require("pandas", "pandas")
        return pd.DataFrame.from_records(self.to_records(), columns=list(self.table().columns))

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        """One line: the report's kind, its title and how many rows it has (a report
        class defined with ``attrs`` passes ``repr=False`` to keep this one)."""
        table = self.table()
        title = f" {table.title}" if table.title else ""
        return f"<{type(self).__name__}{title}: {len(table.rows):,} row(s)>"
