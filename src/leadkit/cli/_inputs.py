"""Reading the command's inputs: lead files (CSV, JSON, CRM exports), tables, header maps,
the value format, ``--as-of``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from leadkit.cli._context import Context
from leadkit.cli._errors import CliError, UsageError
from leadkit.errors import LoadError, Problem

if TYPE_CHECKING:
    from leadkit.fields import FieldSchema
    from leadkit.io import HeaderMap, LeadFile, ValueFormat

__all__ = [
    "add_input_options",
    "as_of",
    "header_map",
    "read_leads",
    "read_table",
    "value_format",
]

T = TypeVar("T")

AUTO = "auto"


def add_input_options(parser: argparse.ArgumentParser, *, events: bool = True) -> None:
    """``--leads`` and how to read it (``--headers``, ``--encoding``, dates, time zone,
    currency, unknown columns) and, for commands that look at behaviour, ``--events`` and
    ``--as-of``: the options the data commands share."""
    parser.add_argument(
        "--leads", type=Path, required=True, metavar="FILE",
        help="leads file: .csv (or .csv.gz), .json or .jsonl, leadkit's layout or a CRM export",
    )  # fmt: skip
    if events:
        parser.add_argument(
            "--events", type=Path, metavar="CSV", help="engagement events table (.csv or .csv.gz)"
        )
    reading = parser.add_argument_group("reading the leads file")
    reading.add_argument(
        "--input-format", choices=("csv", "json", "jsonl"), metavar="FORMAT",
        help="csv, json or jsonl (default: from the file's extension)",
    )  # fmt: skip
    reading.add_argument(
        "--encoding", default=AUTO,
        help="text encoding of the input files (default: UTF-8 with or without a BOM, "
        "else cp932, Excel's Shift_JIS)",
    )  # fmt: skip
    reading.add_argument(
        "--headers", metavar="MAP", default="auto",
        help="salesforce, hubspot, japanese, or a TOML/JSON file mapping your headers to "
        "leadkit columns (default: recognise the export by its header row)",
    )  # fmt: skip
    reading.add_argument(
        "--unknown", choices=("error", "custom", "ignore"),
        help="columns no map knows: error, keep as custom fields, or ignore (default: "
        "ignore in a CRM export, with a note; error in leadkit's own layout)",
    )  # fmt: skip
    order = reading.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_first", action="store_const", const=True,
                       help="read 4/1/2026 as 4 January")  # fmt: skip
    order.add_argument("--month-first", dest="day_first", action="store_const", const=False,
                       help="read 4/1/2026 as 1 April (US exports)")  # fmt: skip
    reading.add_argument(
        "--timezone", metavar="ZONE",
        help="time zone of dates written without one, e.g. Asia/Tokyo (default: refuse them)",
    )  # fmt: skip
    reading.add_argument(
        "--currency", metavar="CODE", help="currency of amounts that name none, e.g. JPY"
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


def header_map(spec: str | Path | None) -> HeaderMap | str:
    """``--headers``: ``auto`` (recognise the export), a shipped map's name, or a TOML or
    JSON file.

    The file is a table of ``"your header" = "leadkit column"`` (an empty string ignores
    that column), optionally under ``[headers]`` beside ``base = "salesforce"`` (or
    ``hubspot``) to extend a shipped map; without a base it extends the Japanese map.
    """
    from leadkit.io import HEADER_MAPS, JAPANESE_CRM_HEADERS, load_data

    if spec is None or str(spec) == "auto":
        return "auto"
    if str(spec) in HEADER_MAPS:
        return str(spec)
    path = Path(spec)
    if not path.exists():
        raise UsageError(
            f"--headers {spec!r} is neither a file nor a known map",
            hint=f"give a TOML/JSON file, or one of auto, {', '.join(HEADER_MAPS)}",
        )
    data: Any = load_data(path)
    base = JAPANESE_CRM_HEADERS
    if isinstance(data, Mapping) and isinstance(data.get("headers"), Mapping):
        name = data.get("base")
        if name is not None and name not in HEADER_MAPS:
            raise LoadError(
                [Problem(f"{path}: base", f"expected one of {', '.join(HEADER_MAPS)}")],
                what=path.name,
            )
        base = HEADER_MAPS[name] if name else base
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
    return base.extended({str(k): (v or None) for k, v in data.items()}, name=path.name)


def value_format(args: argparse.Namespace) -> ValueFormat:
    """``--day-first``/``--month-first``, ``--timezone`` and ``--currency``."""
    from leadkit.errors import ValidationError
    from leadkit.io import ValueFormat

    try:
        return ValueFormat(
            day_first=getattr(args, "day_first", None),
            timezone=getattr(args, "timezone", None),
            currency=getattr(args, "currency", None),
        )
    except ValidationError as err:
        option = {"timezone": "--timezone", "currency": "--currency"}.get(
            str(err.path[0]) if err.path else "", "an option"
        )
        raise UsageError(
            f"{option}: {err.message}", hint="for example --timezone Asia/Tokyo"
        ) from None


def read_leads(
    args: argparse.Namespace, ctx: Context | None = None, *, fields: FieldSchema | None = None
) -> LeadFile:
    """The ``--leads`` file read with the reading options (and checked against ``fields``
    when given); the map used and the columns ignored are noted on stderr."""
    from leadkit.io import read_lead_file

    path: Path = args.leads
    if not path.exists():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    encoding = getattr(args, "encoding", AUTO)
    try:
        file = read_lead_file(
            path,
            format=getattr(args, "input_format", None),
            header_map=header_map(getattr(args, "headers", None)),
            unknown=getattr(args, "unknown", None),
            values=value_format(args),
            encoding=encoding,
            fields=fields,
        )
    except LoadError as err:
        raise _file_error(err, path, encoding) from None
    if ctx is not None:
        for note in file.notes():
            ctx.stderr.write(f"note: {path.name}: {note}\n")
    return file


def read_table(
    path: Path,
    record_type: type[T],
    *,
    headers: HeaderMap | Mapping[str, str | None] | str | None = None,
    encoding: str = AUTO,
) -> list[T]:
    """Every record of a CSV table (leads also from JSON), or a ``LoadError`` naming each
    bad line and column."""
    from leadkit.io import read_csv, read_lead_file
    from leadkit.model import Lead

    if not path.exists():
        raise CliError(f"{path}: no such file", hint="check the path (it is relative to here)")
    try:
        if record_type is Lead:
            leads: Any = read_lead_file(path, header_map=headers, encoding=encoding).leads
            return list(leads)
        return read_csv(path, record_type, header_map=headers, encoding=encoding)
    except LoadError as err:
        raise _file_error(err, path, encoding) from None


def _file_error(err: LoadError, path: Path, encoding: str) -> Exception:
    """A file that cannot be read as a usage or command error with a hint; else ``err``."""
    if any(p.path == ("encoding",) for p in err.problems):
        return UsageError(f"unknown encoding {encoding!r}", hint="for example --encoding cp932")
    if any("NUL characters" in p.message for p in err.problems):
        return CliError(
            f"{path}: not {_encoding_name(encoding)} text (it contains NUL characters)",
            hint="a UTF-16 file without a byte order mark? add --encoding utf-16-le, "
            "or save it as UTF-8",
        )
    if any(p.message.startswith(("not ", "neither UTF-8")) and "text" in p.message
           for p in err.problems):  # fmt: skip
        return CliError(
            f"{path}: not {_encoding_name(encoding)} text", hint=_encoding_hint(encoding)
        )
    return err


def _encoding_name(encoding: str) -> str:
    if encoding == AUTO:
        return "UTF-8 or cp932"
    return "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _encoding_hint(encoding: str) -> str:
    """What to try next; never the option the user already gave."""
    if encoding == AUTO:
        return "check how it was saved (UTF-16? EUC-JP?) and pass --encoding"
    if encoding in ("utf-8", "utf-8-sig"):
        return "Excel saves Japanese CSV as Shift_JIS: add --encoding cp932"
    if encoding.lower().replace("-", "_") in ("cp932", "shift_jis", "sjis", "ms932"):
        return "the file is not Shift_JIS either: check how it was saved (UTF-8? UTF-16?)"
    return f"the file is not {encoding}: check how it was saved, or try --encoding cp932"


def qualification_warnings(
    *,
    min_score: object,
    min_grade: object,
    scored: bool,
    graded: bool,
    as_of_given: bool,
    when: datetime,
    latest: datetime | None,
    qualified: int,
) -> list[str]:
    """Why nothing qualified, when a date or a missing input is the likely reason: a score
    or grade threshold without --model or --profile, or data that ends long before the
    moment the command runs for (the wall clock when --as-of is left out)."""
    if qualified:
        return []
    warnings = []
    if min_score is not None and not scored:
        warnings.append(
            f"the policy needs a score of {min_score} and no --model was given: no lead "
            "can reach it"
        )
    if min_grade is not None and not graded:
        warnings.append(
            f"the policy needs a grade of {min_grade} and no --profile was given: no lead "
            "can reach it"
        )
    if latest is not None and (when - latest).days > 30:
        since = "now" if not as_of_given else f"--as-of {when.date().isoformat()}"
        warnings.append(
            f"the newest lead or event is from {latest.date().isoformat()}, "
            f"{(when - latest).days} days before {since}: time windows may hold nothing; "
            f"pass --as-of {latest.date().isoformat()} to look from the data's end"
        )
    return warnings
