"""leadkit's column layout for tables of leads and engagement events.

One column per field path a condition can name (``title``, ``employees``,
``address.prefecture``, ``email_domain``, ``owner.kind``), holding the value the Python
engine reads (an enum's value, a money amount, a prefecture's name, a derived field's
value), ``NULL`` when missing. A custom field or event property holds values whose type
is known only per row, so it gets one column per family of value, named
``custom.budget:number``, ``custom.budget:text``, ``:bool``, ``:date`` and ``:datetime``
(one of them set per row). Every text column has a ``#norm`` twin holding its
:func:`~leadkit.model.normalise_text` form (NFKC, case folded, spaces collapsed), which
conditions with ``normalise=True`` read: SQL engines have no NFKC, so leadkit computes it
when it writes the table.

Events: ``id``, ``lead_id``, ``contact_id``, ``kind``, ``occurred_at`` and one column per
property and family (``properties.url:text``).
"""

from __future__ import annotations

from typing import Final

from leadkit.rules import Kind

__all__ = [
    "EVENT_ATTRIBUTES",
    "FAMILIES",
    "FAMILY_OF_KIND",
    "column_name",
    "normalised",
    "property_column",
]

FAMILIES: Final = ("number", "text", "bool", "date", "datetime")
"""The families of value a column of runtime-typed values is split into."""

FAMILY_OF_KIND: Final = {
    Kind.TEXT: "text",
    Kind.ENUM: "text",
    Kind.NUMBER: "number",
    Kind.MONEY: "number",
    Kind.BOOL: "bool",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
}
"""The family of a field of a declared kind (``Kind.ANY`` has none: it is split)."""

EVENT_ATTRIBUTES: Final = ("id", "lead_id", "contact_id", "kind", "occurred_at")

NORMALISED_SUFFIX: Final = "#norm"


def column_name(path: str, family: str | None = None) -> str:
    """The column of field ``path`` (of one ``family`` for a runtime-typed field).

    >>> column_name("title"), column_name("custom.budget", "number")
    ('title', 'custom.budget:number')
    """
    return path if family is None else f"{path}:{family}"


def property_column(name: str, family: str | None = None) -> str:
    """The column of event property ``name``: an attribute as is, a property by family.

    >>> property_column("kind"), property_column("url", "text")
    ('kind', 'properties.url:text')
    """
    if name in EVENT_ATTRIBUTES:
        return name
    return column_name(f"properties.{name}", family)


def normalised(column: str) -> str:
    """The column holding the normalised text of text ``column``."""
    return column + NORMALISED_SUFFIX
