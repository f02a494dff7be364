"""Lead files as people have them: CSV, JSON or JSON Lines, in leadkit's layout or a CRM's.

:func:`read_lead_file` is the one entry point the command line uses: it picks the format
by extension, detects the encoding and the export's header map, reads dates and numbers
with one parser, and keeps each lead's input cells so that results can be joined back
to the user's rows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from leadkit.errors import LoadError, Problem, ValidationError, _FileProblem
from leadkit.io._csv import (
    _CONVERSION_HEADERS,
    _PERSON_NAME_HEADERS,
    AUTO_ENCODING,
    CAMPAIGN_COLUMN,
    Unknown,
    _choose_map,
    _Context,
    _custom_prefixes,
    _encode_custom,
    _map_header,
    _name,
    _open_text,
    _read_csv_table,
    _read_table,
    _Table,
)
from leadkit.io._headers import HeaderMap
from leadkit.io._parse import STRICT, ValueFormat
from leadkit.model import Lead

if TYPE_CHECKING:
    from leadkit.fields import FieldSchema

__all__ = ["FileFormat", "LeadFile", "file_format", "read_lead_file"]

FileFormat: TypeAlias = Literal["csv", "json", "jsonl"]
_FORMATS = ("csv", "json", "jsonl")
_SUFFIXES: Mapping[str, FileFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def file_format(path: str | os.PathLike[str]) -> FileFormat:
    """The format a file name says (``.csv``, ``.json``, ``.jsonl``/``.ndjson``, each
    optionally ``.gz``); CSV when it says none of these.

    >>> file_format("leads.jsonl.gz"), file_format("export.JSON"), file_format("leads")
    ('jsonl', 'json', 'csv')
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _SUFFIXES.get(suffixes[-1], "csv") if suffixes else "csv"


@attrs.frozen(kw_only=True)
class LeadFile:
    """The leads of one file and what is needed to join results back to its rows.

    ``rows[i]`` holds the cells of ``leads[i]`` as the file wrote them (by header);
    ``lines[i]`` its line (CSV, JSON Lines) or record number (JSON). ``header_map`` is the
    map used (``None``: leadkit's own layout); ``ignored`` and ``custom`` name the columns
    left out and the columns kept as custom fields.
    """

    leads: tuple[Lead, ...]
    rows: tuple[Mapping[str, str], ...]
    lines: tuple[int, ...]
    header: tuple[str, ...]
    header_map: HeaderMap | None
    format: FileFormat
    encoding: str | None
    ignored: tuple[str, ...] = ()
    custom: tuple[str, ...] = ()

    @property
    def id_column(self) -> str | None:
        """The header of the column that gave the leads their ids, if one did."""
        for header in self.header:
            name = header.lstrip("\ufeff").strip()
            if self.header_map is not None and self.header_map.knows(name):
                if self.header_map.column(name) == "id":
                    return header
            elif name == "id":
                return header
        return None

    def notes(self) -> list[str]:
        """One line each: the map used, the columns ignored and those kept as custom."""
        notes = []
        if self.header_map is not None:
            notes.append(f"read with the {self.header_map.name} header map")
        if self.ignored:
            notes.append(f"ignored {len(self.ignored)} column(s): {', '.join(self.ignored)}")
        if self.custom:
            notes.append(f"kept as custom fields: {', '.join(self.custom)}")
        return notes


def read_lead_file(
    source: str | os.PathLike[str],
    *,
    format: FileFormat | None = None,
    header_map: HeaderMap | Mapping[str, str | None] | str | None = "auto",
    unknown: Unknown | None = None,
    values: ValueFormat | None = None,
    encoding: str = AUTO_ENCODING,
    formula_safe: bool = True,
    fields: FieldSchema | None = None,
) -> LeadFile:
    """Every lead of a CSV, JSON or JSON Lines file, with its input cells.

    ``format`` defaults to what the extension says (:func:`file_format`). A JSON file is
    a list of objects (or ``{"leads": [...]}``), JSON Lines one object a line; keys are
    columns as in CSV, and nested objects (``"name": {"family": ...}``,
    ``"address": {...}``, ``"custom": {...}``) stand for their flattened columns.

    ``header_map`` is ``"auto"`` (detect a shipped map from the header, else leadkit's
    layout), a map's name (``"salesforce"``, ``"hubspot"``, ``"japanese"``), a
    :class:`~leadkit.io.HeaderMap` or mapping, or ``None`` for leadkit's layout.
    ``unknown`` defaults to ``"error"`` for leadkit's own layout and to ``"ignore"`` for
    an export read through a header map (see :meth:`LeadFile.notes`). ``encoding``
    ``"auto"`` reads UTF-8 with or without a BOM, else cp932. Problems are one
    :class:`~leadkit.errors.LoadError` naming each line and column.

    A column headed ``Campaign``, ``Campaign ID``, ``キャンペーン``, ``キャンペーンID``,
    ``施策`` (and the like, in any layout) names the campaign the row responded to: it
    is kept as ``custom.campaign_id`` (an id or a campaign's name), which
    :func:`leadkit.intake.record_campaign_responses` turns into a responded campaign
    membership dated the lead's ``created_at``.

    With ``fields`` (a :class:`~leadkit.fields.FieldSchema`), every lead is checked
    against the field definitions and picklists: picklist labels (``製造業``) are read as
    their values (``Manufacturing``), and a missing required field, a value of the wrong
    type or outside its picklist, or a custom field the schema does not define is a
    problem named by its line and column (``line 3, column 業種``). The campaign column
    needs no definition.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "hubspot.csv").write_text(
    ...     "Record ID,First name,Last name,Company name,Country/Region,Lifecycle stage,"
    ...     "Create date,Likes\\n101,Jo,Smith,Acme,United States,marketingqualifiedlead,"
    ...     "2026-04-01 09:00,cats\\n", encoding="utf-8")
    >>> file = read_lead_file(folder / "hubspot.csv", values=ValueFormat(timezone="UTC"))
    >>> lead = file.leads[0]
    >>> lead.id, lead.address.country, lead.custom["lifecycle_stage"], file.id_column
    ('101', 'US', 'mql', 'Record ID')
    >>> file.notes()
    ['read with the hubspot header map', 'ignored 1 column(s): Likes']
    """
    chosen_format = format or file_format(source)
    if chosen_format not in _FORMATS:
        raise ValidationError(
            f"format must be one of {', '.join(_FORMATS)}, got {chosen_format!r}", path="format"
        )
    what = _name(source)
    if not Path(source).exists():
        raise LoadError([Problem(what, "no such file")], what=what)
    table: _Table
    if chosen_format == "csv":
        table = _read_csv_table(
            source, Lead, header_map=header_map, encoding=encoding,
            formula_safe=formula_safe, unknown=unknown, values=values, keep_rows=True,
        )  # fmt: skip
    else:
        header, rows, used, label = _json_rows(source, chosen_format, encoding, what)
        chosen = _choose_map(header_map, header)
        ctx = _Context(values or STRICT, lenient=chosen is not None)
        table = _read_table(
            Lead, header, rows, what=what, header_map=chosen,
            unknown=unknown or ("error" if chosen is None else "ignore"),
            ctx=ctx, label=label, encoding=used, keep_rows=True,
        )  # fmt: skip
    leads = tuple(table.records)
    if fields is not None:
        label = "record" if chosen_format == "json" else "line"
        leads = _check_fields(fields, leads, table, label, what)
    return LeadFile(
        leads=leads,
        rows=tuple(table.rows),
        lines=tuple(table.lines),
        header=tuple(table.header),
        header_map=table.header_map,
        format=chosen_format,
        encoding=table.encoding,
        ignored=tuple(table.ignored),
        custom=tuple(table.custom),
    )


def _check_fields(
    fields: FieldSchema, leads: tuple[Lead, ...], table: _Table, label: str, what: str
) -> tuple[Lead, ...]:
    """``leads`` read through the schema's picklists, or every problem by line and column."""
    mapped = _map_header(list(table.header), Lead, table.header_map, unknown="ignore")
    headers: dict[str, tuple[int, str]] = {}
    for position, (header, column) in enumerate(zip(table.header, mapped.columns, strict=False)):
        if column is not None:
            headers.setdefault(column, (position, header.lstrip("\ufeff").strip()))
    campaign_free = CAMPAIGN_COLUMN.removeprefix("custom.") not in fields.fields
    problems: list[Problem] = []
    checked: list[Lead] = []
    for lead, line in zip(leads, table.lines, strict=True):
        lead = fields.with_values(lead)
        found: list[tuple[int, Problem]] = []
        for problem in fields.problems(lead):
            column = ".".join(str(part) for part in problem.path)
            if campaign_free and column == CAMPAIGN_COLUMN:
                continue
            position, header = headers.get(column, (len(headers), column))
            found.append((position, Problem(f"{label} {line}, column {header}", problem.message)))
        problems += [problem for _, problem in sorted(found, key=lambda item: item[0])]
        checked.append(lead)
    if problems:
        raise LoadError(problems, what=what)
    return tuple(checked)


def _json_rows(
    source: str | os.PathLike[str], fmt: FileFormat, encoding: str, what: str
) -> tuple[list[str] | None, list[tuple[int, list[str]]], str | None, str]:
    """The columns and rows of text cells a JSON or JSON Lines file holds."""
    try:
        with _open_text(source, encoding) as (handle, used):
            text = handle.read()
    except _FileProblem as err:
        raise LoadError([Problem(what, err.message)], what=what) from None
    except (OSError, UnicodeDecodeError) as err:
        raise LoadError([Problem(what, f"cannot read: {err}")], what=what) from None
    records: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    records.append((number, json.loads(line)))
                except json.JSONDecodeError as err:
                    problems.append(Problem(f"line {number}", f"not JSON: {err.msg}"))
        label = "line"
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise LoadError(
                [Problem(f"line {err.lineno}", f"not JSON: {err.msg}")], what=what
            ) from None
        if isinstance(data, Mapping) and isinstance(data.get("leads"), list):
            data = data["leads"]
        if not isinstance(data, list):
            raise LoadError(
                [Problem(what, 'expected a list of lead objects (or {"leads": [...]})')],
                what=what,
            )
        records = list(enumerate(data, start=1))
        label = "record"
    flat: list[tuple[int, dict[str, str]]] = []
    for number, record in records:
        if not isinstance(record, Mapping):
            problems.append(Problem(f"{label} {number}", "expected an object"))
            continue
        flat.append((number, _flatten(record)))
    if problems:
        raise LoadError(problems, what=what)
    if not flat:
        return None, [], used, label
    header: list[str] = []
    seen: set[str] = set()
    for _, cells in flat:
        for key in cells:
            if key not in seen:
                seen.add(key)
                header.append(key)
    rows = [(number, [cells.get(h, "") for h in header]) for number, cells in flat]
    return header, rows, used, label


_CUSTOM = tuple(p.rstrip(".") for p in _custom_prefixes(Lead))


def _flatten(record: Mapping[str, Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for key, value in record.items():
        key = str(key)
        if isinstance(value, Mapping):
            for sub, inner in value.items():
                sub = str(sub)
                if key in _CUSTOM:
                    cells[f"{key}.{sub}"] = "" if inner is None else _custom_cell(inner)
                else:
                    cells[_nested(key, sub)] = _cell(inner)
        else:
            cells[key] = _cell(value)
    return cells


def _nested(key: str, sub: str) -> str:
    if key == "name":
        return _PERSON_NAME_HEADERS.get(sub, f"name_{sub}")
    if key == "conversion":
        return _CONVERSION_HEADERS.get(sub, f"converted_{sub}")
    return key if sub == "amount" else f"{key}_{sub}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ";".join(_cell(item) for item in value)
    return str(value)


def _custom_cell(value: Any) -> str:
    # Written as leadkit's CSV writes custom cells, so JSON text stays text and numbers
    # stay numbers.
    return _encode_custom(value) if isinstance(value, str | int | float) else str(value)
