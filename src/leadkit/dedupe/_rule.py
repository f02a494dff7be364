"""Matching rules: numbered field criteria combined by filter logic or by a weighted score.

A rule is data (an immutable attrs object that prints and compares); for a run it is
compiled once into plain closures over per-record keys, so deciding a pair neither walks
the rule nor normalises text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from leadkit.dedupe._blocking import Block
from leadkit.dedupe._comparator import Comparator, Scorer
from leadkit.dedupe._evidence import Evidence, FieldEvidence, MatchPair
from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._memo import Memo
from leadkit.errors import ValidationError
from leadkit.rules import LogicAll, LogicNode, LogicRef, fold_logic, parse_filter_logic

__all__ = ["CompiledRule", "MatchingRule"]

Row = tuple[Any, ...]
Decide = Callable[[Row, Row], bool]

# Early exits in score mode must never disagree with the full sum: decide early only
# when the outcome is clear by more than any rounding difference.
_MARGIN = 1e-9


def _criteria(value: object) -> tuple[Comparator, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValidationError(
            "criteria must be a list of comparators (EmailMatch(), NameMatch() ...)",
            path="MatchingRule.criteria",
        )
    return tuple(value)


def _blocks(value: object) -> tuple[Block, ...]:
    if isinstance(value, Block):
        return (value,)
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ValidationError(
            "blocking must be a list of Block(...) keys", path="MatchingRule.blocking"
        )
    return tuple(value)


@attrs.frozen
class MatchingRule:
    """When two records are duplicates: numbered criteria (comparators) and how to combine
    them.

    * ``logic``: a filter-logic string over the criterion numbers, as elsewhere in leadkit
      (``"1 OR (2 AND 3)"``); without ``logic`` and ``threshold`` every criterion must hold.
    * ``threshold``: combine by score instead: each criterion that holds adds
      ``weight × similarity``, each that fails on two present values subtracts its
      ``penalty``, blanks add nothing; the pair matches when the sum reaches ``threshold``.
    * ``possible``: a filter logic for pairs that do not match but should be looked at
      by a person: :func:`find_duplicates` reports them as possible duplicates
      (``Duplicates.possible``) without putting them into clusters.
    * ``blocking``: which records are compared at all (see :class:`Block`); a pair is a
      candidate when it shares the key of any block. Without blocks every pair is
      compared, which is fine for a few thousand records.

    ``score`` of a pair: the sum above in score mode; in logic mode the mean similarity
    of the criteria compared (two blanks count 1.0 where ``match_blank`` is set).

    >>> from leadkit.dedupe import Block, CompanyMatch, EmailMatch, MatchingRule, NameMatch
    >>> rule = MatchingRule(
    ...     "email, or name and company",
    ...     [EmailMatch(), NameMatch(), CompanyMatch()],
    ...     logic="1 OR (2 AND 3)",
    ...     blocking=[Block("email"), Block("family", "company")],
    ... )
    >>> rule.logic_tree
    LogicAny(items=(LogicRef(number=1), LogicAll(items=(LogicRef(number=2), LogicRef(number=3)))))
    """

    name: str = attrs.field()
    criteria: tuple[Comparator, ...] = attrs.field(converter=_criteria)
    logic: str | None = attrs.field(default=None, kw_only=True)
    threshold: float | None = attrs.field(default=None, kw_only=True)
    blocking: tuple[Block, ...] = attrs.field(default=(), converter=_blocks, kw_only=True)
    description: str | None = attrs.field(default=None, kw_only=True)
    possible: str | None = attrs.field(default=None, kw_only=True)
    logic_tree: LogicNode | None = attrs.field(init=False, eq=False, repr=False)
    possible_tree: LogicNode | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("a matching rule needs a name", path="MatchingRule.name")
        if not self.criteria:
            raise ValidationError("a matching rule needs criteria", path="MatchingRule.criteria")
        for number, criterion in enumerate(self.criteria, start=1):
            if not isinstance(criterion, Comparator):
                raise ValidationError(
                    f"criterion {number} is not a comparator: {criterion!r}",
                    path=f"MatchingRule.criteria[{number - 1}]",
                )
        for index, block in enumerate(self.blocking):
            if not isinstance(block, Block):
                raise ValidationError(
                    f"expected a Block, got {block!r}", path=f"MatchingRule.blocking[{index}]"
                )
        tree: LogicNode | None = None
        if self.threshold is not None:
            if self.logic is not None:
                raise ValidationError(
                    "give either logic (combine by filter logic) or threshold (combine by"
                    " score), not both",
                    path="MatchingRule.threshold",
                )
            value = self.threshold
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(
                    f"threshold must be a number, got {value!r}", path="MatchingRule.threshold"
                )
            if not math.isfinite(value):
                raise ValidationError("threshold must be finite", path="MatchingRule.threshold")
        elif self.logic is not None:
            tree = parse_filter_logic(
                self.logic, criteria=len(self.criteria), path="MatchingRule.logic"
            )
        else:
            numbers = tuple(LogicRef(n) for n in range(1, len(self.criteria) + 1))
            tree = numbers[0] if len(numbers) == 1 else LogicAll(numbers)
        object.__setattr__(self, "logic_tree", tree)
        possible = None
        if self.possible is not None:
            possible = parse_filter_logic(
                self.possible, criteria=len(self.criteria), path="MatchingRule.possible"
            )
        object.__setattr__(self, "possible_tree", possible)

    @property
    def combined_by(self) -> str:
        """How the criteria combine, for people: the logic, or the score threshold."""
        if self.logic_tree is None:
            return f"score ≥ {self.threshold:g}"
        return str(self.logic_tree)

    def compile(self) -> CompiledRule:
        """The rule as closures for one run (comparators' scorers looked up once)."""
        return CompiledRule(self)

    def compare(
        self, left: Any, right: Any, *, account_names: Mapping[str, str] | None = None
    ) -> MatchPair:
        """Compare two records in full and explain the outcome (no blocking involved).

        >>> from datetime import UTC, datetime
        >>> from leadkit.dedupe import LEAD_RULE
        >>> from leadkit.model import Lead, PersonName
        >>> t = datetime(2026, 4, 1, tzinfo=UTC)
        >>> a = Lead(name=PersonName("山田", "太郎"), company="株式会社ABC", created_at=t)
        >>> b = Lead(name=PersonName("山田", "太郎"), company="ＡＢＣ（株）", created_at=t)
        >>> LEAD_RULE.compare(a, b).matched
        True
        """
        context = MatchContext(account_names=account_names)
        compiled = self.compile()
        return compiled.explain(
            left, right, compiled.row(left, context), compiled.row(right, context), context
        )


def _every(parts: tuple[Decide, ...]) -> Decide:
    def every(a: Row, b: Row) -> bool:
        return all(part(a, b) for part in parts)

    return every


def _some(parts: tuple[Decide, ...]) -> Decide:
    def some(a: Row, b: Row) -> bool:
        return any(part(a, b) for part in parts)

    return some


def _negation(part: Decide) -> Decide:
    def negation(a: Row, b: Row) -> bool:
        return not part(a, b)

    return negation


def _memo_key(criterion: Comparator) -> Callable[[Any, MatchContext, Memo], Any]:
    """The criterion's key function taking a per-record memo: the built-in comparators'
    ``memo_key``, or ``key`` for any other comparator."""
    shared = getattr(criterion, "memo_key", None)
    if callable(shared):
        return shared  # type: ignore[no-any-return]
    key = criterion.key

    def plain(record: Any, context: MatchContext, memo: Memo) -> Any:
        return key(record, context)

    return plain


class CompiledRule:
    """A matching rule compiled for one run: key functions, a fast decision, explanations."""

    __slots__ = ("_contradicting", "_keys", "_plan", "_scorers", "decide", "possible", "rule")

    def __init__(self, rule: MatchingRule) -> None:
        self.rule = rule
        self._scorers: tuple[Scorer, ...] = tuple(c.scorer() for c in rule.criteria)
        self._keys = tuple(_memo_key(c) for c in rule.criteria)
        # Score mode adds criteria in decreasing weight so that hopeless pairs stop early;
        # explanations add them in the same order so that both sums are identical.
        self._plan = sorted(range(len(rule.criteria)), key=lambda k: -rule.criteria[k].weight)
        self.decide: Decide = (
            self._score_decider() if rule.logic_tree is None else self._logic_decider()
        )
        self.possible: Decide | None = (
            None if rule.possible_tree is None else self._tree_decider(rule.possible_tree)
        )
        # Criteria that can tell two records apart as different people (strict given
        # names, conflicting contacts): clusters never join two such records.
        self._contradicting = tuple(
            (k, getattr(criterion, "contradicts"))  # noqa: B009 (not part of the protocol)
            for k, criterion in enumerate(rule.criteria)
            if callable(getattr(criterion, "contradicts", None))
            and getattr(criterion, "contradicting", True)
        )

    @property
    def keys(self) -> tuple[Callable[[Any, MatchContext, Memo], Any], ...]:
        """The criteria's key functions (taking a per-record memo), in order."""
        return self._keys

    def contradicts(self, a: Row, b: Row) -> int | None:
        """The number of the first criterion by which rows *a* and *b* are different
        people, or None."""
        for k, contradicts in self._contradicting:
            x, y = a[k], b[k]
            if x is not None and y is not None and contradicts(x, y):
                return k + 1
        return None

    def row(self, record: Any, context: MatchContext, memo: Memo | None = None) -> Row:
        """The record's keys, one per criterion; *memo* (one record's keys by what they
        are) is shared with the rule's blocks so that each key is computed once."""
        if memo is None:
            memo = {}
        return tuple([key(record, context, memo) for key in self._keys])

    # -- deciding --------------------------------------------------------------------------

    def _held(self, number: int) -> Decide:
        k = number - 1
        criterion = self.rule.criteria[k]
        scorer = self._scorers[k]
        threshold = criterion.threshold
        blank = criterion.match_blank

        def held(a: Row, b: Row) -> bool:
            x = a[k]
            y = b[k]
            if x is None or y is None:
                return blank and x is None and y is None
            return scorer(x, y) >= threshold

        return held

    def _tree_decider(self, tree: LogicNode) -> Decide:
        criteria = [self._held(n) for n in range(1, len(self.rule.criteria) + 1)]
        return fold_logic(tree, criteria, all_of=_every, any_of=_some, not_=_negation)

    def _logic_decider(self) -> Decide:
        assert self.rule.logic_tree is not None
        return self._tree_decider(self.rule.logic_tree)

    def _score_decider(self) -> Decide:
        criteria = self.rule.criteria
        threshold = self.rule.threshold
        assert threshold is not None
        steps = []
        best_rest = sum(c.weight for c in criteria)
        worst_rest = sum(c.penalty for c in criteria)
        for k in self._plan:
            c = criteria[k]
            best_rest -= c.weight
            worst_rest -= c.penalty
            steps.append(
                (k, self._scorers[k], c.threshold, c.weight, c.penalty, c.match_blank,
                 best_rest, worst_rest)
            )  # fmt: skip
        plan = tuple(steps)
        give_up = threshold - _MARGIN
        sure = threshold + _MARGIN

        def decide(a: Row, b: Row) -> bool:
            score = 0.0
            for k, scorer, t, weight, penalty, blank, best, worst in plan:
                x = a[k]
                y = b[k]
                if x is None or y is None:
                    if blank and x is None and y is None:
                        score += weight
                else:
                    s = scorer(x, y)
                    if s >= t:
                        score += weight * s
                    else:
                        score -= penalty
                if score + best < give_up:
                    return False
                if score - worst >= sure:
                    return True
            return score >= threshold

        return decide

    # -- explaining ------------------------------------------------------------------------

    def values(self, record: Any, context: MatchContext) -> Row:
        """The record's stored values, one per criterion (what evidence shows)."""
        return tuple(criterion.value(record, context) for criterion in self.rule.criteria)

    def explain(self, left: Any, right: Any, a: Row, b: Row, context: MatchContext) -> MatchPair:
        """Score records *left* and *right* (keys *a* and *b*) in full.

        Every criterion is scored now (the score needs them all); the evidence objects,
        which also read the records' stored values, are built when first looked at, so a
        run with many pairs pays for explanations only where someone reads them.
        """
        rule = self.rule
        criteria = rule.criteria
        similarities: list[float | None] = []
        held: list[bool] = []
        points: list[float] = []
        for k, criterion in enumerate(criteria):
            x, y = a[k], b[k]
            if x is None or y is None:
                ok = criterion.match_blank and x is None and y is None
                similarities.append(None)
                points.append(criterion.weight if ok else 0.0)
            else:
                similarity = float(self._scorers[k](x, y))
                ok = similarity >= criterion.threshold
                similarities.append(similarity)
                points.append(criterion.weight * similarity if ok else -criterion.penalty)
            held.append(ok)
        if rule.logic_tree is None:
            score = 0.0
            for k in self._plan:
                score += points[k]
            assert rule.threshold is not None
            matched = score >= rule.threshold
        else:
            compared = [
                1.0 if s is None else s
                for s, ok in zip(similarities, held, strict=True)
                if s is not None or ok
            ]
            score = sum(compared) / len(compared) if compared else 0.0
            matched = rule.logic_tree.evaluate(held)
        possible = (
            not matched and rule.possible_tree is not None and rule.possible_tree.evaluate(held)
        )
        by_score = rule.logic_tree is None

        def build() -> tuple[FieldEvidence, ...]:
            left_values = self.values(left, context)
            right_values = self.values(right, context)
            return tuple(
                FieldEvidence(
                    criterion=k + 1,
                    field=criterion.field,
                    method=criterion.method,
                    left=left_values[k],
                    right=right_values[k],
                    similarity=similarities[k],
                    threshold=criterion.threshold,
                    held=held[k],
                    points=points[k] if by_score else None,
                )
                for k, criterion in enumerate(criteria)
            )

        return MatchPair(
            left=left.id,
            right=right.id,
            matched=matched,
            score=score,
            rule=rule.name,
            combined_by=rule.combined_by,
            evidence=Evidence(build),
            possible=possible,
        )
