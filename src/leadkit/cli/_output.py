"""Writing results: ``--format table|csv|json`` to stdout or to ``--out FILE``, and the
checks every output path passes before a command starts its work."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from leadkit.cli._errors import CliError

if TYPE_CHECKING:
    from leadkit.reports import Table

__all__ = [
    "FORMATS",
    "add_output_options",
    "check_outputs",
    "emit",
    "format_for_path",
    "render",
]

FORMATS = ("table", "csv", "json")

_FORCE = "--force to overwrite it"


def add_output_options(
    parser: argparse.ArgumentParser, *, out: bool = True, folder: str | None = None
) -> None:
    """``--format``, ``--out FILE`` (when ``out``), ``--force`` and ``--raw-csv``.

    ``folder`` names the option (``"out"``, ``"export"``) of a command that writes a
    folder of files instead; that command sets the ``output_files`` default to the names.
    """
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    if out:
        parser.add_argument("--out", type=Path, metavar="FILE", help="write to a .csv/.json file")
        parser.set_defaults(output_file="out")
    if folder is not None:
        parser.set_defaults(output_folder=folder)
    parser.add_argument(
        "--force", action="store_true", help="overwrite output files that exist (never inputs)"
    )
    parser.add_argument(
        "--raw-csv",
        action="store_true",
        help="write CSV cells as they are: no ' before cells a spreadsheet would run as "
        "formulas (=, +, -, @); for files only programs read",
    )


def add_locale_option(parser: argparse.ArgumentParser) -> None:
    """``--locale en|ja``: the language of headings, source names and explanations."""
    parser.add_argument(
        "--locale",
        choices=("en", "ja"),
        default="en",
        help="language of the headings, source names and explanations (ja: 日本語)",
    )


def format_for_path(path: Path, default: str) -> str:
    """The format a file name asks for (``.csv``, ``.json``), else ``default``."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix == ".parquet":  # written by DuckDB (leadkit score --engine duckdb)
        return "parquet"
    if suffix in (".txt", ""):
        return default
    raise CliError(
        f"cannot write {path.name}: unknown extension {suffix!r}",
        hint="name the output file .csv, .json or .txt",
    )


def _inputs(args: argparse.Namespace, outputs: set[str]) -> list[Path]:
    """Every file the command line names that exists (the inputs), outputs aside."""
    found = []
    for key, value in vars(args).items():
        if key in outputs or not isinstance(value, str | Path) or not str(value):
            continue
        path = Path(value)
        try:
            if path.is_file():
                found.append(path)
        except (OSError, ValueError):
            continue
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return a.resolve() == b.resolve()


def _check_file(path: Path, *, inputs: Iterable[Path], force: bool, option: str) -> None:
    """Refuse to write ``path`` when that could destroy something; before any work."""
    if path.is_symlink():
        raise CliError(
            f"{option} {path} is a symbolic link; leadkit does not write through links",
            hint="give the path of a real file",
        )
    for source in inputs:
        if path.exists() and _same_file(path, source):
            raise CliError(
                f"{option} {path} is also an input of this command; it would be overwritten",
                hint="write the result to another file",
            )
    if path.is_dir():
        raise CliError(f"{option} {path} is a folder", hint="give a file name")
    if path.exists() and not force:
        raise CliError(f"{option} {path} exists", hint=f"choose another name, or add {_FORCE}")
    parent = path.parent
    if not parent.is_dir():
        raise CliError(
            f"{option} {path}: the folder {parent} does not exist",
            hint=f"create it first (mkdir -p {parent})",
        )


def check_outputs(args: argparse.Namespace) -> None:
    """Check every output path of the command line before the command starts.

    Never an input of the command (compared as files, so links and ``..`` do not fool
    it), never through a symbolic link, never an existing file unless ``--force``, and
    a file's folder must exist. A folder output (``sample --out``, ``demo --export``) is
    checked file by file for the names the command writes into it.
    """
    force = bool(getattr(args, "force", False))
    file_key = getattr(args, "output_file", None)
    folder_key = getattr(args, "output_folder", None)
    keys = {k for k in (file_key, folder_key) if k is not None}
    inputs = _inputs(args, keys)
    if file_key is not None and (out := getattr(args, file_key, None)) is not None:
        if format_for_path(out, "table") == "parquet" and not getattr(args, "parquet_out", False):
            raise CliError(
                f"cannot write {out.name}: this command writes .csv, .json or .txt",
                hint="Parquet comes out of leadkit score --engine duckdb",
            )
        _check_file(out, inputs=inputs, force=force, option=f"--{file_key}")
    if folder_key is not None and (folder := getattr(args, folder_key, None)) is not None:
        option = f"--{folder_key}"
        if folder.is_symlink() and not folder.is_dir():
            raise CliError(f"{option} {folder} is a broken symbolic link", hint="give a folder")
        if folder.exists() and not folder.is_dir():
            raise CliError(f"{option} {folder} is a file, not a folder", hint="give a folder name")
        if not folder.exists():
            return
        for name in getattr(args, "output_files", ()):
            target = folder / name
            if target.is_symlink() or target.exists():
                _check_file(target, inputs=inputs, force=force, option=option)


def render(tables: Sequence[Table], fmt: str, *, formula_safe: bool = True) -> str:
    """Tables as text (blank line between), CSV (one table; else one block per table) or
    JSON (one array of records per table, keyed by title when there are several).

    CSV cells that a spreadsheet would run as formulas get a leading ``'`` unless
    ``formula_safe`` is false (``--raw-csv``)."""
    if fmt == "json":
        if len(tables) == 1:
            payload: Any = tables[0].to_records()
        else:
            payload = {(t.title or f"table{i}"): t.to_records() for i, t in enumerate(tables)}
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return "\r\n".join(t.to_csv(formula_safe=formula_safe) for t in tables)
    return "\n\n".join(t.to_text() for t in tables) + "\n"


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` without following a symbolic link put there meanwhile."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    with open(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def emit(
    tables: Sequence[Table],
    *,
    fmt: str,
    out: Path | None,
    stdout: TextIO,
    raw_csv: bool = False,
) -> None:
    """Render ``tables`` to ``out`` (format from its extension) or to ``stdout``.

    ``out`` was checked by :func:`check_outputs` before the command did its work."""
    if out is None:
        stdout.write(render(tables, fmt, formula_safe=not raw_csv))
        return
    text = render(tables, format_for_path(out, fmt), formula_safe=not raw_csv)
    try:
        _write(out, text)
    except OSError as exc:
        raise CliError(
            f"cannot write {out}: {exc.strerror or exc}", hint="check the folder and the name"
        ) from None
