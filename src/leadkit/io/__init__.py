"""Serialisation: one cattrs converter, JSON helpers, file loading with path-named errors,
and CSV tables of records."""

from leadkit.io._converter import converter, dumps, loads, structure, unstructure
from leadkit.io._csv import (
    JAPANESE_LEAD_HEADERS,
    CsvRowWriter,
    CsvSource,
    CsvTarget,
    csv_columns,
    formula_safe_cell,
    read_csv,
    read_events_csv,
    read_leads_csv,
    write_csv,
    write_events_csv,
    write_leads_csv,
)
from leadkit.io._files import load_data

__all__ = [
    "JAPANESE_LEAD_HEADERS",
    "CsvRowWriter",
    "CsvSource",
    "CsvTarget",
    "converter",
    "csv_columns",
    "dumps",
    "formula_safe_cell",
    "load_data",
    "loads",
    "read_csv",
    "read_events_csv",
    "read_leads_csv",
    "structure",
    "unstructure",
    "write_csv",
    "write_events_csv",
    "write_leads_csv",
]
