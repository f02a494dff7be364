"""The example files shipped with the command (routing rules, stage policy)."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

__all__ = ["EXAMPLE_FILES", "example_data", "example_text"]

EXAMPLE_FILES = ("routing.toml", "stage_policy.toml")
"""The example files ``leadkit sample --out DIR`` writes beside the sample CSVs."""


def example_text(name: str) -> str:
    """The text of a bundled example file."""
    return (files("leadkit.cli") / "examples" / name).read_text(encoding="utf-8")


def example_data(name: str) -> dict[str, Any]:
    """A bundled example TOML file as plain data."""
    return tomllib.loads(example_text(name))
