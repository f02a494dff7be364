"""sqlglot, imported once for the package, or the missing-dependency error naming the extra."""

from __future__ import annotations

from leadkit.errors import MissingDependencyError

try:
    import sqlglot
    from sqlglot import exp
except ImportError:  # pragma: no cover - exercised only without the extra
    raise MissingDependencyError(
        "leadkit.sql needs sqlglot; install it with: pip install 'leadkit[sql]' "
        "(or 'leadkit[duckdb]' to run the queries on DuckDB too)",
        extra="sql",
    ) from None

__all__ = ["exp", "sqlglot"]
