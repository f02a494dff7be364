"""Serialisation: one cattrs converter, JSON helpers, file loading with path-named errors,
CSV tables of records, lead files as CRMs export them (header maps, one parser of dates
and numbers, countries by name)."""

from leadkit.io._catalogues import dump_catalogues, load_catalogues
from leadkit.io._converter import converter, dumps, loads, structure, unstructure
from leadkit.io._countries import country_code
from leadkit.io._csv import (
    AUTO_ENCODING,
    JAPANESE_LEAD_HEADERS,
    CsvRowWriter,
    CsvSource,
    CsvTarget,
    Unknown,
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
from leadkit.io._headers import (
    HEADER_MAPS,
    HUBSPOT_CONTACT_HEADERS,
    JAPANESE_CRM_HEADERS,
    SALESFORCE_LEAD_HEADERS,
    HeaderMap,
    detect_header_map,
)
from leadkit.io._leadfile import LeadFile, read_lead_file
from leadkit.io._parse import (
    ValueFormat,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_integer,
)
from leadkit.io._stored import structure_stored

__all__ = [
    "AUTO_ENCODING",
    "HEADER_MAPS",
    "HUBSPOT_CONTACT_HEADERS",
    "JAPANESE_CRM_HEADERS",
    "JAPANESE_LEAD_HEADERS",
    "SALESFORCE_LEAD_HEADERS",
    "CsvRowWriter",
    "CsvSource",
    "CsvTarget",
    "HeaderMap",
    "LeadFile",
    "Unknown",
    "ValueFormat",
    "converter",
    "country_code",
    "csv_columns",
    "detect_header_map",
    "dump_catalogues",
    "dumps",
    "formula_safe_cell",
    "load_catalogues",
    "load_data",
    "loads",
    "parse_amount",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_integer",
    "read_csv",
    "read_events_csv",
    "read_lead_file",
    "read_leads_csv",
    "structure",
    "structure_stored",
    "unstructure",
    "write_csv",
    "write_events_csv",
    "write_leads_csv",
]
