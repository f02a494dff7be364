"""Reading TOML and JSON files into plain data, with errors that say where."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from leadkit.errors import LoadError, Problem
from leadkit.io._plain import parse_json, parse_toml

__all__ = ["load_data", "source_name"]


def load_data(path: str | Path) -> Any:
    """Read a ``.toml`` or ``.json`` file into plain data (dicts, lists, scalars).

    Syntax errors become a :class:`~leadkit.errors.LoadError` naming the file and the
    line; an unknown extension or a missing file too.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise LoadError([Problem(str(p), "expected a .toml or .json file")], what=p.name)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise LoadError([Problem(str(p), f"cannot read: {exc.strerror}")], what=p.name) from None
    if suffix == ".toml":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LoadError([Problem(str(p), "not UTF-8 text")], what=p.name) from None
        return parse_toml(text, what=p.name, where=str(p))
    return parse_json(raw, what=p.name, where=str(p))


def source_name(source: object, what: str) -> str:
    """What a :class:`~leadkit.errors.LoadError` about ``source`` calls it: the file's
    name and *what* it holds for a file (``"team.toml (team availability)"``), else *what*;
    so a problem with the document as a whole (path ``()``) still says which file.

    >>> source_name("rules/team.toml", "team availability"), source_name({}, "availability")
    ('team.toml (team availability)', 'availability')
    """
    if isinstance(source, str | os.PathLike):
        return f"{Path(source).name} ({what})"
    return what
