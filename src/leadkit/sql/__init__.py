"""The same rules at warehouse scale: conditions, scoring models and grading profiles
compiled to SQL expression trees with sqlglot, rendered per engine, and run on DuckDB and
SQLite with the Python engine's results.

Needs ``leadkit[sql]`` (sqlglot) to compile, ``leadkit[duckdb]`` to run on DuckDB and to
write tables, ``leadkit[spark]`` to run on Spark, ``leadkit[postgres]`` on PostgreSQL;
importing this package without sqlglot raises
:class:`~leadkit.errors.MissingDependencyError` naming the extra.

The result of scoring is a relation with the lead id, the total, each group's total and
one column per rule with its points after caps (the explanation of every score); grading
adds the grade and one column per criterion (``matched``, ``unmatched``, ``unknown``).
See the "Scoring in the warehouse" page of the docs.
"""

from leadkit.sql._conditions import ConditionCompiler
from leadkit.sql._dialect import DIALECTS, Dialect
from leadkit.sql._layout import column_name, normalised, property_column
from leadkit.sql._postgres import score_postgres, score_postgres_records, write_postgres
from leadkit.sql._run import (
    compile_query,
    score_duckdb,
    score_sqlite,
    score_sqlite_records,
    to_sql,
)
from leadkit.sql._spark import score_spark, spark_frames
from leadkit.sql._write import read_csv_records, write_duckdb, write_parquet, write_sqlite

__all__ = [
    "DIALECTS",
    "ConditionCompiler",
    "Dialect",
    "column_name",
    "compile_query",
    "normalised",
    "property_column",
    "read_csv_records",
    "score_duckdb",
    "score_postgres",
    "score_postgres_records",
    "score_spark",
    "score_sqlite",
    "score_sqlite_records",
    "spark_frames",
    "to_sql",
    "write_duckdb",
    "write_parquet",
    "write_postgres",
    "write_sqlite",
]
