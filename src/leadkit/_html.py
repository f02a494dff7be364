"""One small HTML table writer shared by every ``_repr_html_`` (Jupyter display).

It imports nothing from leadkit, so scoring, routing, stages and rules can use it without
depending on ``leadkit.reports`` (which sits on top of them).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

__all__ = ["html_table", "is_number"]

# Both alignments are written out: Jupyter's stylesheet right-aligns every cell unless the
# cell says otherwise, so a text cell without a style would read right-aligned there.
_RIGHT = ' style="text-align: right"'
_LEFT = ' style="text-align: left"'


def is_number(value: object) -> bool:
    """True for ints, floats and decimals (not booleans): cells read right-aligned."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    cell_text: Callable[[object], str] = str,
    right_align: Sequence[bool] | None = None,
) -> str:
    """An HTML ``<table>`` with every header, cell and the caption escaped.

    ``cell_text`` turns a cell into text (``None`` is always empty). ``right_align`` says
    per column whether to right-align it; by default a column is right-aligned when all
    its non-empty cells are numbers. Every other cell and heading is left-aligned in so
    many words, since Jupyter's stylesheet would right-align it.

    >>> out = html_table(("rule", "points"), [("<b>&", 5)], caption="A & B")
    >>> '<td style="text-align: left">&lt;b&gt;&amp;</td>' in out
    True
    >>> '<td style="text-align: right">5</td>' in out
    True
    """
    grid = [tuple(row) for row in rows]
    if right_align is None:
        right_align = [
            any(row[i] is not None for row in grid)
            and all(row[i] is None or is_number(row[i]) for row in grid)
            for i in range(len(headers))
        ]
    head = "".join(
        f"<th{_RIGHT if right else _LEFT}>{html.escape(h)}</th>"
        for h, right in zip(headers, right_align, strict=True)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{_RIGHT if right else _LEFT}>{html.escape('' if v is None else cell_text(v))}</td>"
            for v, right in zip(row, right_align, strict=True)
        )
        + "</tr>"
        for row in grid
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
