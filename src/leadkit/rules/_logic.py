"""Filter logic strings: ``"1 AND (2 OR 3)"`` over numbered criteria.

A small, safe recursive-descent parser (no ``eval``). As in the leading CRMs, AND and OR
may not be mixed at one level without parentheses (``1 AND 2 OR 3`` is ambiguous to
people, so it is an error), every number must name a criterion, and every criterion
must be used.

>>> from leadkit.rules import parse_filter_logic
>>> logic = parse_filter_logic("1 AND (2 OR NOT 3)", criteria=3)
>>> str(logic)
'1 AND (2 OR NOT 3)'
>>> logic.evaluate([True, False, False])
True
>>> try:
...     parse_filter_logic("1 AND (2 OR", criteria=2)
... except ValueError as err:
...     print(err)
filter_logic: expected a number, NOT or '(' at position 12 (end of text) in '1 AND (2 OR'
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import TypeAlias, TypeVar

import attrs

from leadkit.errors import FilterLogicError, ValidationError

__all__ = [
    "FilterLogicError",
    "LogicAll",
    "LogicAny",
    "LogicNode",
    "LogicNot",
    "LogicRef",
    "fold_logic",
    "parse_filter_logic",
]

T = TypeVar("T")


@attrs.frozen
class LogicRef:
    """Criterion number ``number`` (1-based)."""

    number: int

    def evaluate(self, results: Sequence[bool]) -> bool:
        """The logic applied to the criteria's ``results`` (see :func:`fold_logic`)."""
        return _evaluate(self, results)

    def __str__(self) -> str:
        return str(self.number)


@attrs.frozen
class LogicNot:
    """The negation of ``item``."""

    item: LogicNode

    def evaluate(self, results: Sequence[bool]) -> bool:
        """The logic applied to the criteria's ``results`` (see :func:`fold_logic`)."""
        return _evaluate(self, results)

    def __str__(self) -> str:
        inner = str(self.item)
        return f"NOT {inner}" if isinstance(self.item, LogicRef | LogicNot) else f"NOT ({inner})"


def _wrap(node: LogicNode) -> str:
    return f"({node})" if isinstance(node, LogicAll | LogicAny) else str(node)


@attrs.frozen
class LogicAll:
    """True when every item is true."""

    items: tuple[LogicNode, ...]

    def evaluate(self, results: Sequence[bool]) -> bool:
        """The logic applied to the criteria's ``results`` (see :func:`fold_logic`)."""
        return _evaluate(self, results)

    def __str__(self) -> str:
        return " AND ".join(_wrap(i) for i in self.items)


@attrs.frozen
class LogicAny:
    """True when any item is true."""

    items: tuple[LogicNode, ...]

    def evaluate(self, results: Sequence[bool]) -> bool:
        """The logic applied to the criteria's ``results`` (see :func:`fold_logic`)."""
        return _evaluate(self, results)

    def __str__(self) -> str:
        return " OR ".join(_wrap(i) for i in self.items)


LogicNode: TypeAlias = LogicRef | LogicNot | LogicAll | LogicAny


def fold_logic(
    node: LogicNode,
    criteria: Sequence[T],
    *,
    all_of: Callable[[tuple[T, ...]], T],
    any_of: Callable[[tuple[T, ...]], T],
    not_: Callable[[T], T],
) -> T:
    """Filter logic desugared into AND / OR / NOT over the numbered ``criteria``.

    The one place logic is taken apart: each number becomes its criterion, each ``AND``
    ``all_of`` of its parts, each ``OR`` ``any_of``, each ``NOT`` ``not_``. Conditions
    desugar into ``AllOf`` / ``AnyOf`` / ``Not`` trees (:meth:`Criteria.desugared`),
    matching rules into closures, verdicts into a verdict.

    >>> from leadkit.rules import fold_logic, parse_filter_logic
    >>> logic = parse_filter_logic("1 AND (2 OR NOT 3)", criteria=3)
    >>> fold_logic(logic, "abc", all_of=" & ".join, any_of=" | ".join,
    ...            not_=lambda x: f"~{x}")
    'a & b | ~c'
    """
    if isinstance(node, LogicRef):
        return criteria[node.number - 1]
    if isinstance(node, LogicNot):
        return not_(fold_logic(node.item, criteria, all_of=all_of, any_of=any_of, not_=not_))
    parts = tuple(
        fold_logic(item, criteria, all_of=all_of, any_of=any_of, not_=not_) for item in node.items
    )
    return all_of(parts) if isinstance(node, LogicAll) else any_of(parts)


def _evaluate(node: LogicNode, results: Sequence[bool]) -> bool:
    return fold_logic(node, results, all_of=all, any_of=any, not_=operator.not_)


MAX_LOGIC_DEPTH = 100
"""How deeply filter logic may nest parentheses and NOTs (real logic uses a handful)."""

_TOKEN = re.compile(r"\s*(?:(\d+)|(\()|(\))|([A-Za-z]+)|(&&|\|\||!)|(\S))")


def _tokens(text: str, path: str | None) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing whitespace is left
            break
        start = m.start(m.lastindex or 0) + 1
        number, lpar, rpar, word, symbol, other = m.groups()
        if number is not None:
            out.append(("num", number, start))
        elif lpar or rpar:
            out.append(("(" if lpar else ")", "", start))
        elif word is not None and word.upper() in ("AND", "OR", "NOT"):
            out.append((word.upper(), word, start))
        elif symbol is not None:
            out.append(({"&&": "AND", "||": "OR", "!": "NOT"}[symbol], symbol, start))
        else:
            bad = word if word is not None else other
            raise FilterLogicError(
                f"unexpected {bad!r} (use numbers, AND, OR, NOT and parentheses)",
                text=text,
                position=start,
                path=path,
            )
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, criteria: int, path: str | None) -> None:
        self.text = text
        self.criteria = criteria
        self.path = path
        self.tokens = _tokens(text, path)
        self.i = 0
        self.used: set[int] = set()
        self.depth = 0

    def error(self, message: str, position: int | None = None) -> FilterLogicError:
        if position is None:
            position = self.tokens[self.i][2] if self.i < len(self.tokens) else len(self.text) + 1
        return FilterLogicError(message, text=self.text, position=position, path=self.path)

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self) -> LogicNode:
        if not self.tokens:
            raise self.error("filter logic is empty", position=1)
        node = self.expression()
        if self.i < len(self.tokens):
            raise self.error("expected AND, OR or the end")
        unused = sorted(set(range(1, self.criteria + 1)) - self.used)
        if unused:
            raise FilterLogicError(
                f"criteria {unused} are defined but not used",
                text=self.text,
                position=len(self.text) + 1,
                path=self.path,
            )
        return node

    def expression(self) -> LogicNode:
        first = self.factor()
        op = self.peek()
        if op not in ("AND", "OR"):
            return first
        items = [first]
        while self.peek() in ("AND", "OR"):
            if self.peek() != op:
                raise self.error(f"mixing AND and OR needs parentheses, e.g. (1 {op} 2) ...")
            self.i += 1
            items.append(self.factor())
        return LogicAll(tuple(items)) if op == "AND" else LogicAny(tuple(items))

    def factor(self) -> LogicNode:
        kind = self.peek()
        if kind in ("NOT", "("):
            self.depth += 1
            if self.depth > MAX_LOGIC_DEPTH:
                raise self.error(f"filter logic is nested more than {MAX_LOGIC_DEPTH} levels deep")
        if kind == "NOT":
            self.i += 1
            node: LogicNode = LogicNot(self.factor())
            self.depth -= 1
            return node
        if kind == "(":
            self.i += 1
            node = self.expression()
            if self.peek() != ")":
                raise self.error("expected ')'")
            self.i += 1
            self.depth -= 1
            return node
        if kind == "num":
            _, text, position = self.tokens[self.i]
            # A criterion number longer than six digits cannot exist; int() of thousands
            # of digits would hit Python's conversion limit.
            number = int(text) if len(text) <= 6 else self.criteria + 1
            if not 1 <= number <= self.criteria:
                raise self.error(
                    f"there is no criterion {text if len(text) <= 12 else text[:12] + '...'}"
                    f" (criteria are numbered 1 to {self.criteria})",
                    position,
                )
            self.used.add(number)
            self.i += 1
            return LogicRef(number)
        raise self.error("expected a number, NOT or '('")


def parse_filter_logic(text: str, *, criteria: int, path: str | None = None) -> LogicNode:
    """Parse ``text`` over criteria numbered ``1..criteria``.

    Raises :class:`FilterLogicError` (a :class:`~leadkit.errors.ValidationError`) with the
    1-based position of the problem; ``path`` prefixes the message (``rules[2].logic``).
    """
    if not isinstance(text, str):
        raise ValidationError(f"filter logic must be a string, got {text!r}", path=path)
    return _Parser(text, criteria, path).parse()
