"""Catalogues as plain data (TOML, JSON, dicts), through the one converter.

A catalogue file names only what it changes; every other catalogue keeps its default::

    [[statuses.statuses]]
    api_name = "New"
    label = "新規"
    is_default = true

    [[statuses.statuses]]
    api_name = "Won"
    label = "成約"
    is_converted = true
    is_closed = true

    [statuses.policy]
    converted = "Won"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from leadkit.errors import ValidationError
from leadkit.io._converter import structure, unstructure
from leadkit.io._files import load_data
from leadkit.model import Catalogues

__all__ = ["dump_catalogues", "load_catalogues"]


def load_catalogues(source: str | Path | Mapping[str, Any]) -> Catalogues:
    """The :class:`~leadkit.model.Catalogues` in a ``.toml`` / ``.json`` file or a mapping;
    every problem is reported at once with its path (a ``LoadError``).

    >>> load_catalogues({"rejection_reasons": {"values": [
    ...     {"api_name": "No Budget", "label": "予算なし"}]}}).rejection_reasons.resolve("予算なし")
    'No Budget'
    """
    if isinstance(source, str | Path):
        data: Any = load_data(source)
        root = Path(source).name
    elif isinstance(source, Mapping):
        data, root = dict(source), "catalogues"
    else:
        raise ValidationError(
            f"expected a file path or a mapping, got {type(source).__name__}", path="source"
        )
    catalogues: Catalogues = structure(data, Catalogues, root=root)
    return catalogues


def dump_catalogues(catalogues: Catalogues) -> dict[str, Any]:
    """The catalogues as JSON/TOML-compatible plain data; :func:`load_catalogues` reads it."""
    if not isinstance(catalogues, Catalogues):
        raise ValidationError(
            f"expected Catalogues, got {type(catalogues).__name__}", path="catalogues"
        )
    plain: dict[str, Any] = unstructure(catalogues)
    return plain
