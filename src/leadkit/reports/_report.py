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
    :meth:`to_records`, :meth:`to_dataframe` and ``_repr_html_`` (Jupyter).
    """

    __slots__ = ()

    def table(self) -> Table:
        """The report as a table (overridden by each report)."""
        raise NotImplementedError

    def to_text(self) -> str:
        """An aligned text table for terminals and logs."""
        return self.table().to_text()

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-compatible dict per row."""
        return self.table().to_records()

    def to_csv(self, *, formula_safe: bool = True) -> str:
        """CSV text with a header row (see :meth:`Table.to_csv`)."""
        return self.table().to_csv(formula_safe=formula_safe)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the records (needs ``leadkit[pandas]``)."""
        pd = require("pandas", "pandas")
        return pd.DataFrame.from_records(self.to_records(), columns=list(self.table().columns))

    def _repr_html_(self) -> str:
        return self.table().to_html()
