"""The MkDocs hook that keeps Japanese sentences whole (docs/_ext/cjk_lines.py)."""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cjk_lines", ROOT / "docs/_ext/cjk_lines.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_in_the_hook_hold() -> None:
    result = doctest.testmod(_hook())
    assert result.attempted >= 2
    assert result.failed == 0


def test_only_breaks_between_japanese_characters_are_joined() -> None:
    """CommonMark turns a soft line break into a space; between kana it is a stray gap."""
    join = _hook().join_cjk_lines
    assert join("流れを\n一通り") == "流れを一通り"
    assert join("leadkit\nis") == "leadkit\nis"  # English keeps its space
    assert join("リードの\n`as_of`") == "リードの\n`as_of`"  # code after Japanese keeps it
    assert join("- 一つ目の\n  続き") == "- 一つ目の続き"  # a list item's continuation
    assert join("| 表 |\n| 行 |") == "| 表 |\n| 行 |"  # table rows stay rows
    assert join("## 見出し\n本文") == "## 見出し\n本文"  # a heading stays a heading


def test_the_japanese_tutorial_renders_without_breaks_inside_sentences() -> None:
    page = (ROOT / "docs/tutorial-ja.md").read_text(encoding="utf-8")
    joined = _hook().join_cjk_lines(page)
    assert "日本のリードを使い" in joined
    assert joined.count("\n") < page.count("\n")
