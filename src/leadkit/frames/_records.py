"""Frames to records and records to frames: leads, engagement events, activities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeAlias, TypeVar

import attrs

from leadkit._checks import time_zone
from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.frames._backend import (
    Library,
    Table,
    build_frame,
    check_library,
    library_of,
    read_frame,
)
from leadkit.frames._columns import MISSING, Cells, Custom, layout_of
from leadkit.model import EngagementEvent, Event, Lead, Task

__all__ = [
    "Unknown",
    "activities_from_frame",
    "events_from_frame",
    "frame_columns",
    "leads_from_frame",
    "records_from_frame",
    "to_frame",
]

T = TypeVar("T")

Unknown: TypeAlias = Literal["error", "ignore", "custom"]
"""What to do with a column that is not one of the record type's: fail (the default),
leave it out, or keep it as a custom field of that name."""

_RECORD_TYPES: tuple[type, ...] = (Lead, EngagementEvent, Task, Event)


@attrs.frozen
class ReadOptions:
    """The options every reader takes, checked once."""

    columns: Mapping[str, str | None]
    unknown: Unknown
    cells: Cells


def read_options(
    *,
    columns: Mapping[str, str | None] | None,
    unknown: object,
    timezone: str | None,
    currency: str | None,
) -> ReadOptions:
    """Check the reader options; an error names the option."""
    if columns is None:
        columns = {}
    if not isinstance(columns, Mapping) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in columns.items()
    ):
        raise ValidationError(
            "columns maps frame column names to leadkit column names (or None to leave one out)",
            path="columns",
        )
    if unknown not in ("error", "ignore", "custom"):
        raise ValidationError(
            f"unknown is 'error', 'ignore' or 'custom', got {unknown!r}", path="unknown"
        )
    zone = None
    if timezone is not None:
        zone = time_zone(timezone, path="timezone", error=ValidationError)
    if currency is not None and not isinstance(currency, str):
        raise ValidationError(f"currency is a code such as 'JPY', got {currency!r}", "currency")
    return ReadOptions(dict(columns), unknown, Cells(zone, currency))


def _where(table: Table, row: int, column: str | None) -> tuple[str | int, ...]:
    label = table.labels[row]
    key: str | int = label if isinstance(label, int | str) else str(label)
    return ("rows", key) if column is None else ("rows", key, column)


def _plan(
    table: Table, record_type: type, options: ReadOptions, problems: list[Problem]
) -> dict[str, tuple[str, str | None]]:
    """For each frame column kept: (leadkit column, custom part or None)."""
    layout = layout_of(record_type)
    known = set(layout.headers)
    customs = [p for p in layout.parts if isinstance(p, Custom)]
    plan: dict[str, tuple[str, str | None]] = {}
    seen: dict[str, str] = {}
    for name in table.names:
        target = options.columns.get(name, name)
        if target is None:
            continue
        part: str | None = None
        if target not in known:
            prefix = next((p for p in customs if target.startswith(p.prefix)), None)
            if prefix is not None:
                part, target = prefix.attr, target[len(prefix.prefix) :]
            elif options.unknown == "ignore":
                continue
            elif options.unknown == "custom" and customs:
                part = customs[0].attr
            else:
                from rapidfuzz import process

                guess = process.extractOne(target, sorted(known), score_cutoff=80)
                hint = f"did you mean {guess[0]}? " if guess else ""
                problems.append(
                    Problem(
                        ("columns", name),
                        f"unknown column; {hint}frame_columns({record_type.__name__}) lists "
                        "the columns; map others with columns={...} (to None to leave one "
                        "out), or pass unknown='custom' or 'ignore'",
                    )
                )
                continue
        key = f"{part}.{target}" if part else target
        if key in seen:
            problems.append(
                Problem(("columns", name), f"{key} is also given by column {seen[key]!r}")
            )
            continue
        seen[key] = name
        plan[name] = (target, part)
    for missing in sorted(layout.required - {t for t, p in plan.values() if p is None}):
        problems.append(Problem(("columns", missing), "missing required column"))
    return plan


def records_from_frame(
    frame: object,
    record_type: type[T],
    *,
    columns: Mapping[str, str | None] | None = None,
    unknown: Unknown = "error",
    timezone: str | None = None,
    currency: str | None = None,
) -> list[T]:
    """The records of ``record_type`` (``Lead``, ``EngagementEvent``, ``Task``,
    ``Event``) in a pandas or Polars DataFrame, one per row, in the frame's order.

    Columns are named as in leadkit's CSV tables (``frame_columns``); ``columns``
    renames the frame's own (``{"会社名": "company"}``, ``None`` leaves one out), and
    ``unknown`` says what to do with any other column: ``"error"`` (the default),
    ``"ignore"``, or ``"custom"`` to keep it as a custom field. Cells keep their type:
    nullable integers stay integers (``1200``, never ``1200.0``; a float column holding
    whole numbers is read as integers too), categoricals are their categories, a missing
    value (``None``, ``NaN``, ``NA``, ``NaT``) is "not given". Timestamps with a time zone
    keep it; naive ones are in ``timezone`` (an IANA name, required when there are any).
    An amount without a currency column is in ``currency``.

    Every problem is collected, each with its path ``rows[<label>].<column>`` (the
    pandas index label, or the Polars row number), into one
    ``LoadError``; nothing is returned unless every row is good.
    """
    if record_type not in _RECORD_TYPES:
        names = ", ".join(t.__name__ for t in _RECORD_TYPES)
        raise ValidationError(f"record_type is one of {names}", path="record_type")
    options = read_options(columns=columns, unknown=unknown, timezone=timezone, currency=currency)
    return table_records(read_frame(frame), record_type, options)


def table_records(table: Table, record_type: type[T], options: ReadOptions) -> list[T]:
    """The records of a frame already read (see ``records_from_frame``)."""
    problems: list[Problem] = []
    plan = _plan(table, record_type, options, problems)
    if problems:
        raise LoadError(problems, what="DataFrame")
    layout = layout_of(record_type)
    records: list[T] = []
    for row in range(table.height):
        cells: dict[str, object] = {}
        custom: dict[str, dict[str, object]] = {}
        for name, (target, part) in plan.items():
            value = table.columns[name][row]
            if value is None:
                continue
            if part is None:
                cells[target] = value
            else:
                custom.setdefault(part, {})[target] = value

        def problem(column: str | None, message: str, row: int = row) -> None:
            source = _source_column(plan, column)
            problems.append(Problem(_where(table, row, source), message))

        record = layout.build(cells, custom, options.cells, problem)
        if record is not MISSING:
            records.append(record)
    if problems:
        raise LoadError(problems, what="DataFrame")
    return records


def _source_column(plan: Mapping[str, tuple[str, str | None]], column: str | None) -> str | None:
    """The frame's own name of a leadkit column (as the user wrote it)."""
    if column is None:
        return None
    for name, (target, part) in plan.items():
        if (f"{part}.{target}" if part else target) == column:
            return name
    return column


def leads_from_frame(
    frame: object,
    *,
    columns: Mapping[str, str | None] | None = None,
    unknown: Unknown = "error",
    timezone: str | None = None,
    currency: str | None = None,
) -> list[Lead]:
    """The leads in a frame: ``records_from_frame`` for ``Lead``.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "family_name": ["山田", "Smith"], "company": ["ABC", "Acme"],
    ...     "employees": pd.array([1200, None], dtype="Int64"),
    ...     "created_at": pd.to_datetime(["2026-04-01 09:00", "2026-04-02 10:30"]),
    ... })
    >>> leads = leads_from_frame(frame, timezone="Asia/Tokyo")
    >>> leads[0].employees, leads[1].employees, leads[0].created_at.isoformat()
    (1200, None, '2026-04-01T09:00:00+09:00')
    """
    return records_from_frame(
        frame, Lead, columns=columns, unknown=unknown, timezone=timezone, currency=currency
    )


def events_from_frame(
    frame: object,
    *,
    columns: Mapping[str, str | None] | None = None,
    unknown: Unknown = "error",
    timezone: str | None = None,
) -> list[EngagementEvent]:
    """The engagement events in a frame (``kind``, ``occurred_at``, ``lead_id`` or
    ``contact_id``, ``properties.<name>``): ``records_from_frame`` for
    ``EngagementEvent``."""
    return records_from_frame(
        frame, EngagementEvent, columns=columns, unknown=unknown, timezone=timezone
    )


def activities_from_frame(
    frame: object,
    record_type: type[Task] | type[Event],
    *,
    columns: Mapping[str, str | None] | None = None,
    unknown: Unknown = "error",
    timezone: str | None = None,
) -> list[Any]:
    """The tasks (``Task``) or calendar events (``Event``) in a frame:
    ``records_from_frame`` for one activity type."""
    if record_type not in (Task, Event):
        raise ValidationError("record_type is Task or Event", path="record_type")
    return records_from_frame(
        frame, record_type, columns=columns, unknown=unknown, timezone=timezone
    )


def frame_columns(record_type: type) -> tuple[str, ...]:
    """The fixed columns of ``record_type`` in a frame, the same as in CSV; custom fields
    add one ``custom.<name>`` column each (``properties.<name>`` for an event).

    >>> from leadkit.model import EngagementEvent
    >>> frame_columns(EngagementEvent)
    ('id', 'kind', 'occurred_at', 'lead_id', 'contact_id', 'version')
    """
    if record_type not in _RECORD_TYPES:
        names = ", ".join(t.__name__ for t in _RECORD_TYPES)
        raise ValidationError(f"record_type is one of {names}", path="record_type")
    return layout_of(record_type).headers


def to_frame(
    records: Iterable[object],
    *,
    record_type: type | None = None,
    library: Library = "pandas",
    index: object = None,
) -> Any:
    """A pandas (or, with ``library="polars"``, Polars) DataFrame of ``records``, one row
    each, with the columns of ``frame_columns`` and one per custom field used
    (``custom.<name>``, in name order). Integers are nullable integer columns, timestamps
    keep their zone (UTC when a column mixes zones), missing values are missing.

    ``record_type`` is needed only for an empty list; ``index`` is the pandas index to
    give the rows (an input frame's, to line the records up with it).
    """
    check_library(library)
    rows = list(records)
    if record_type is None:
        if not rows:
            raise ValidationError("an empty list needs record_type", path="record_type")
        record_type = type(rows[0])
    if record_type not in _RECORD_TYPES:
        names = ", ".join(t.__name__ for t in _RECORD_TYPES)
        raise ValidationError(f"record_type is one of {names}", path="record_type")
    layout = layout_of(record_type)
    data: dict[str, list[object]] = {h: [] for h in layout.headers}
    custom_rows: list[dict[str, dict[str, object]]] = []
    for position, record in enumerate(rows):
        if not isinstance(record, record_type):
            raise ValidationError(
                f"expected {record_type.__name__}, got {type(record).__name__}",
                path=("records", position),
            )
        fixed, custom = layout.cells_of(record)
        for header, value in fixed.items():
            data[header].append(value)
        custom_rows.append(custom)
    for part in layout.parts:
        if isinstance(part, Custom):
            used = sorted({n for row in custom_rows for n in row.get(part.attr, {})})
            for name in used:
                data[part.prefix + name] = [row[part.attr].get(name) for row in custom_rows]
    if index is not None and library_of(index) is not None:
        index = index.index  # type: ignore[attr-defined]
    if index is not None:
        if library != "pandas":
            raise ValidationError("only a pandas frame has an index", path="index")
        try:
            size = len(index)  # type: ignore[arg-type]
        except TypeError:
            raise ValidationError("index is a pandas index or frame", path="index") from None
        if size != len(rows):
            raise ValidationError(
                f"the index has {size} labels for {len(rows)} records", path="index"
            )
    return build_frame(library, data, kinds=layout.kinds(), index=index)
