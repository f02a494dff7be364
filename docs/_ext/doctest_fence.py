"""A griffe extension for the API reference: docstrings made into the Markdown it renders.

Docstrings show examples as plain ``>>>`` lines (they run as doctests); Markdown would
read them as prose, and ``[...]`` in them as links. Fencing them keeps them code.
Docstrings name other objects with Sphinx roles (``:class:`Lead```), which mkdocstrings
prints as raw text; they become Markdown cross-references that autorefs links.
"""

from __future__ import annotations

import re
from typing import Any

import griffe


def fence(text: str) -> str:
    """Wrap each run of doctest lines (a ``>>>`` line up to the next blank line) in a fence."""
    out: list[str] = []
    inside = False
    indent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not inside and stripped.startswith(">>>"):
            inside = True
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
        elif inside and not stripped:
            out.append(f"{indent}```")
            inside = False
        out.append(line)
    if inside:
        out.append(f"{indent}```")
    return "\n".join(out)


# Any role, ``:class:`x```, ``:py:meth:`x``` ...: the kind only decides whether "()" follows.
_ROLE = re.compile(r":(?:py:)?([a-z]+):`(~?)([^`]+)`")
_CALLABLE = {"func", "meth"}


def _lookup(scope: griffe.Object, dotted: str) -> griffe.Object | griffe.Alias | None:
    """The object that ``dotted`` names from ``scope``: its members, then its parents'."""
    head, _, rest = dotted.partition(".")
    current: griffe.Object | None = scope
    while current is not None:
        found = current.members.get(head)
        if found is not None:
            for part in rest.split(".") if rest else ():
                try:
                    found = found.members[part]
                except (KeyError, griffe.AliasResolutionError):
                    return None
            return found
        current = current.parent
    return None


def _target(scope: griffe.Object, dotted: str) -> str | None:
    """The identifier autorefs knows ``dotted`` by, or None when it names nothing here."""
    if dotted.startswith("leadkit.") or dotted == "leadkit":
        return dotted
    found = _lookup(scope, dotted)
    if found is None:
        return None
    try:
        return found.canonical_path if found.is_alias else found.path
    except griffe.AliasResolutionError:
        return None


def crossref(scope: griffe.Object, text: str) -> str:
    """Turn Sphinx roles (``:class:`~leadkit.model.Lead```) into Markdown cross-references.

    mkdocstrings does not read Sphinx roles: left alone they print as raw text. A role
    becomes an autorefs link to the object it names, resolved from the docstring's own
    scope the way Sphinx resolves it. The link is optional: an object that exists but is
    not rendered (a private helper, an undocumented attribute) prints as code, and so
    does a name that resolves to nothing.
    """

    def replace(match: re.Match[str]) -> str:
        kind, short, dotted = match.group(1), match.group(2), match.group(3).strip()
        dotted = dotted.removesuffix("()")
        shown = dotted.rsplit(".", 1)[-1] if short else dotted
        if kind in _CALLABLE:
            shown += "()"
        target = _target(scope, dotted)
        if target is None:
            return f"`{shown}`"
        return f'<autoref identifier="{target}" optional><code>{shown}</code></autoref>'

    return _ROLE.sub(replace, text)


class DoctestFence(griffe.Extension):
    """Link the roles and fence the doctest examples of every docstring griffe loads."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence(crossref(obj, obj.docstring.value))
