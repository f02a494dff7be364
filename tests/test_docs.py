"""Every ```python block in README.md and docs/ runs, in order, one namespace per file.

A block whose first line is ``# doctest: skip`` would be skipped; there are none, and the
test below fails if one appears, so that no example silently rots.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
# Pages whose examples take ten seconds of CPU or more (they train models or generate the
# whole sample): run in the slow step of CI, left out of the default run.
HEAVY = {"docs/predictive.md", "docs/sample.md"}


def blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def _page(path: Path) -> object:
    name = path.relative_to(ROOT).as_posix()
    return pytest.param(path, id=name, marks=[pytest.mark.slow] if name in HEAVY else [])


@pytest.mark.parametrize("path", [_page(path) for path in FILES])
def test_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for number, code in enumerate(blocks(path), start=1):
        assert not code.startswith("# doctest: skip"), f"{path.name} block {number} is skipped"
        try:
            exec(compile(code, f"{path.name}[block {number}]", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path.name} block {number} failed: {exc!r}\n{code}")


def test_docs_have_examples() -> None:
    assert sum(len(blocks(p)) for p in FILES) > 0


def test_the_heavy_pages_exist() -> None:
    """A renamed page would silently move back into the default run."""
    assert {path.relative_to(ROOT).as_posix() for path in FILES} >= HEAVY
