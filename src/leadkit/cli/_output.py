"""Writing tables: ``--format table|csv|json`` to stdout or to ``--out FILE``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from leadkit.cli._errors import CliError

if TYPE_CHECKING:
    from leadkit.reports import Table

__all__ = ["FORMATS", "emit", "format_for_path", "render"]

FORMATS = ("table", "csv", "json")


def format_for_path(path: Path, default: str) -> str:
    """The format a file name asks for (``.csv``, ``.json``), else ``default``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix in (".txt", ""):
        return default
    raise CliError(
        f"cannot write {path.name}: unknown extension {suffix!r}",
        hint="name the output file .csv, .json or .txt",
    )


def render(tables: Sequence[Table], fmt: str) -> str:
    """Tables as text (blank line between), CSV (one table; else one block per table) or
    JSON (one array of records per table, keyed by title when there are several)."""
    if fmt == "json":
        if len(tables) == 1:
            payload: Any = tables[0].to_records()
        else:
            payload = {(t.title or f"table{i}"): t.to_records() for i, t in enumerate(tables)}
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return "\n".join(t.to_csv() for t in tables)
    return "\n\n".join(t.to_text() for t in tables) + "\n"


def emit(tables: Sequence[Table], *, fmt: str, out: Path | None, stdout: TextIO) -> None:
    """Render ``tables`` to ``out`` (format from its extension) or to ``stdout``."""
    if out is None:
        stdout.write(render(tables, fmt))
        return
    text = render(tables, format_for_path(out, fmt))
    try:
        out.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(
            f"cannot write {out}: {exc.strerror}", hint="check that the folder exists"
        ) from None
