"""Serialisation: one cattrs converter, JSON helpers and file loading with path-named errors."""

from leadkit.io._converter import converter, dumps, loads, structure, unstructure
from leadkit.io._files import load_data

__all__ = ["converter", "dumps", "load_data", "loads", "structure", "unstructure"]
