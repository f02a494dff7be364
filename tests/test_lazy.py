"""The root package is lazy (issue 11, PEP 562): ``import leadkit`` loads almost nothing,
and every name of ``leadkit.__all__`` is imported from its home package on first use."""

from __future__ import annotations

import ast
import importlib
import keyword
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadkit
from tests._isolated import LOADED, run_python

INIT = Path(leadkit.__file__)


def _typed_homes(*, deprecated: bool = False) -> dict[str, str]:
    """Name -> module as the ``if TYPE_CHECKING:`` blocks of ``leadkit/__init__.py`` import
    it: what mypy and IDEs see. The first block holds the public names; the second the
    names deprecated at the top level, re-exported as ``X as X``."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    public, old = [
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    ]
    homes: dict[str, str] = {}
    for node in (old if deprecated else public).body:
        assert isinstance(node, ast.ImportFrom)
        assert node.module is not None
        for alias in node.names:
            assert alias.asname == (alias.name if deprecated else None)
            homes[alias.name] = node.module
    return homes


def _leadkit_modules(modules: list[str]) -> list[str]:
    return [m for m in modules if m == "leadkit" or m.startswith("leadkit.")]


def test_import_leadkit_loads_at_most_five_leadkit_modules() -> None:
    """Issue 11: ``import leadkit`` loads at most 5 leadkit modules (no subpackage)."""
    loaded = _leadkit_modules(run_python("import leadkit\n" + LOADED))
    assert len(loaded) <= 5, loaded
    for heavy in ("leadkit.model", "leadkit.io", "leadkit.rules", "leadkit._html"):
        assert heavy not in loaded


def test_import_errors_needs_only_the_standard_library() -> None:
    """Issue 11: ``leadkit.errors`` stays light; DESIGN.md: every exception lives there."""
    loaded = run_python("import leadkit.errors\n" + LOADED)
    assert _leadkit_modules(loaded) == ["leadkit", "leadkit.errors"]
    for dependency in ("attr", "attrs", "cattrs", "dateutil", "rapidfuzz"):
        assert dependency not in loaded


def test_every_public_name_is_the_object_of_its_home_package() -> None:
    """PEP 562 ``__getattr__``: ``leadkit.X`` is ``leadkit.<package>.X``, for every name the
    type checker sees, and the typed names are exactly ``__all__`` (bar ``__version__``)."""
    homes = _typed_homes()
    assert set(homes) | {"__version__"} == set(leadkit.__all__)
    for name, home in homes.items():
        assert getattr(leadkit, name) is getattr(importlib.import_module(home), name), name


def test_from_import_works_for_every_name_in_a_fresh_interpreter() -> None:
    """``from leadkit import X`` (PEP 562 resolves it through ``__getattr__``) gives the
    home package's object, and only the packages asked for are imported."""
    code = (
        "import json, sys\n"
        "from leadkit import Lead\n"
        "first = sorted(m for m in sys.modules if m.startswith('leadkit.'))\n"
        "import leadkit, leadkit.model\n"
        "same = Lead is leadkit.model.Lead\n"
        "for name in leadkit.__all__:\n"
        "    exec(f'from leadkit import {name}')\n"
        "print(json.dumps([same, 'leadkit.routing' in first, 'leadkit.model' in first]))"
    )
    assert run_python(code) == [True, False, True]


def test_a_used_name_is_kept_in_the_module() -> None:
    """PEP 562: after the first access the name is an ordinary module attribute."""
    lead = leadkit.Lead
    assert vars(leadkit)["Lead"] is lead


def test_dir_lists_all_without_importing_anything() -> None:
    """PEP 562 ``__dir__``: ``dir(leadkit)`` shows every public name before any is used."""
    code = (
        "import json, sys, leadkit\n"
        "names = dir(leadkit)\n"
        "print(json.dumps([sorted(set(leadkit.__all__) - set(names)), names == sorted(names),"
        " sorted(m for m in sys.modules if m.startswith('leadkit.'))]))"
    )
    missing, is_sorted, loaded = run_python(code)
    assert missing == []
    assert is_sorted
    assert loaded == []


def _isort_style(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: CONSTANTS, then Classes, then the rest,
    each group in string order."""
    if name.isupper():
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def test_all_is_sorted_and_unique() -> None:
    """Issue 11: ``__all__`` is kept sorted, in the isort style ruff (RUF022, selected in
    pyproject.toml) enforces; each name once."""
    assert len(set(leadkit.__all__)) == len(leadkit.__all__)
    assert leadkit.__all__ == sorted(leadkit.__all__, key=_isort_style)


def test_a_typo_says_what_was_meant() -> None:
    """Issue 11: a misspelt name raises AttributeError with a "did you mean" hint."""
    with pytest.raises(AttributeError, match=r"has no attribute 'Laed'; did you mean 'Lead'\?"):
        _ = leadkit.Laed  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        exec("from leadkit import ScoringModle")


def test_subpackages_are_reachable_as_attributes() -> None:
    """Before issue 11 ``import leadkit`` imported the capability packages, so code that
    wrote ``leadkit.io.dumps`` after a bare ``import leadkit`` keeps working."""
    code = "import json, leadkit\nprint(json.dumps(leadkit.io.dumps is leadkit.dumps))"
    assert run_python(code) is True


_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True).filter(
    lambda name: (
        not keyword.iskeyword(name)
        and name not in dir(leadkit)
        and name not in _typed_homes(deprecated=True)
    )
)


@settings(max_examples=40, deadline=None)
@given(_NAMES)
def test_any_unknown_name_is_an_attribute_error(name: str) -> None:
    """PEP 562: an unknown name raises AttributeError (so ``hasattr`` and ``getattr`` with a
    default work) and imports nothing under that name."""
    assert not hasattr(leadkit, name)
    assert getattr(leadkit, name, None) is None
    assert name not in vars(leadkit)


def test_the_root_is_small() -> None:
    """Issue 11: a root of at most 40 names that a notebook user needs; the rest live in
    their packages."""
    assert len(leadkit.__all__) <= 40


def test_names_deprecated_at_the_root_still_work_and_say_where_they_live() -> None:
    """Issue 11 (deprecation pass): every name the root exported before is still
    ``leadkit.X``, the same object as in its package, with a DeprecationWarning that names
    the package; it is not in ``__all__`` or ``dir()``."""
    old = _typed_homes(deprecated=True)
    # The root had 114 names before the pass; `intake` is now the leadkit.intake package.
    assert len(old) + len(leadkit.__all__) == 113
    assert not set(old) & set(leadkit.__all__)
    for name, home in old.items():
        with pytest.warns(DeprecationWarning, match=rf"from {home} import {name}$"):
            value = getattr(leadkit, name)
        assert value is getattr(importlib.import_module(home), name), name
        assert name not in dir(leadkit)
