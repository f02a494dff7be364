"""Reading the command's inputs: CSV tables, header mappings, ``--as-of``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from leadkit.cli._errors import CliError, UsageError
from leadkit.errors import LoadError, Problem

__all__ = ["add_input_options", "as_of", "header_map", "read_table"]

T = TypeVar("T")

_DEFAULT_ENCODING = "utf-8-sig"


def add_input_options(parser: argparse.ArgumentParser, *, events: bool = True) -> None:
    """``--leads``, ``--headers`` and, for commands that look at behaviour, ``--events`` and
    ``--as-of``: the options the data commands share."""
    parser.add_argument(
        "--leads", type=Path, required=True, metavar="CSV", help="leads table (.csv or .csv.gz)"
    )
    if events:
        parser.add_argument(
            "--events", type=Path, metavar="CSV", help="engagement events table (.csv or .csv.gz)"
        )
    parser.add_argument(
        "--encoding",
        default=_DEFAULT_ENCODING,
        help="text encoding of the CSV files (default utf-8, with or without a BOM; "
        "cp932 for Shift_JIS files from Excel)",
    )
    parser.add_argument(
        "--headers",
        type=Path,
        metavar="FILE",
        help="TOML/JSON table mapping your CSV headers to leadkit columns "
        "(Japanese CRM headers such as 会社名 are understood without it)",
    )
    if not events:
        return
    parser.add_argument(
        "--as-of",
        metavar="WHEN",
        help="the moment decisions are made for: 2026-04-01 (midnight UTC) or "
        "2026-04-01T09:00+09:00 (default: now)",
    )


def as_of(text: str | None) -> datetime:
    """``--as-of`` as an aware datetime; the wall clock when not given (only the command
    reads it, never the library)."""
    if text is None:
        return datetime.now(UTC)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--as-of {text!r} is not a date or date-time",
            hint="write 2026-04-01 or 2026-04-01T09:00+09:00",
        ) from None
    if moment.utcoffset() is None:
        raise UsageError(
            f"--as-of {text!r} has no timezone", hint="add Z or an offset: 2026-04-01T09:00+09:00"
        )
    return moment


def header_map(path: Path | None) -> dict[str, str | None]:
    """Japanese CRM headers, extended (or overridden) by the mapping in ``path``.

    The file is a TOML or JSON table of ``"your header" = "leadkit column"``; an empty
    string ignores that column.
    """
    from leadkit.io import JAPANESE_LEAD_HEADERS, load_data

    mapping: dict[str, str | None] = dict(JAPANESE_LEAD_HEADERS)
    if path is None:
        return mapping
    data: Any = load_data(path)
    if isinstance(data, Mapping) and isinstance(data.get("headers"), Mapping):
        data = data["headers"]
    if not isinstance(data, Mapping):
        raise LoadError([Problem(str(path), "expected a table of header = column")], what=path.name)
    problems = [
        Problem(f"{path}: {key}", f"expected a column name (text), got {value!r}")
        for key, value in data.items()
        if not isinstance(value, str)
    ]
    if problems:
        raise LoadError(problems, what=path.name)
    mapping.update({str(k): (v or None) for k, v in data.items()})
    return mapping


def read_table(
    path: Path,
    record_type: type[T],
    *,
    headers: Mapping[str, str | None] | None = None,
    encoding: str = _DEFAULT_ENCODING,
) -> list[T]:
    """Every record of a CSV table, or a ``LoadError`` naming each bad line and column."""
    from leadkit.io import read_csv

    if not path.exists():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    try:
        return read_csv(path, record_type, header_map=headers, encoding=encoding)
    except LoadError as err:
        if any(p.path == ("encoding",) for p in err.problems):
            raise UsageError(
                f"unknown encoding {encoding!r}", hint="for example --encoding cp932"
            ) from None
        if any("NUL characters" in p.message for p in err.problems):
            raise CliError(
                f"{path}: not {_encoding_name(encoding)} text (it contains NUL characters)",
                hint="a UTF-16 file without a byte order mark? add --encoding utf-16-le, "
                "or save it as UTF-8",
            ) from None
        if any(p.message.startswith(f"not {encoding} text") for p in err.problems):
            raise CliError(
                f"{path}: not {_encoding_name(encoding)} text", hint=_encoding_hint(encoding)
            ) from None
        raise


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if encoding == _DEFAULT_ENCODING else encoding


def _encoding_hint(encoding: str) -> str:
    """What to try next; never the option the user already gave."""
    if encoding == _DEFAULT_ENCODING:
        return "Excel saves Japanese CSV as Shift_JIS: add --encoding cp932"
    if encoding.lower().replace("-", "_") in ("cp932", "shift_jis", "sjis", "ms932"):
        return "the file is not Shift_JIS either: check how it was saved (UTF-8? UTF-16?)"
    return f"the file is not {encoding}: check how it was saved, or try --encoding cp932"
