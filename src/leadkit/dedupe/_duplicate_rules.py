"""Duplicate rules: what happens when a record being created or edited has duplicates.

A duplicate rule names a matching rule (run against an index of existing records: leads,
or contacts for "this lead is already a contact") and an action for creates and for
edits: allow, allow with an alert (the matches are returned), or block (the save is
refused with a :class:`DuplicateBlockedError` carrying the matches).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from leadkit.dedupe._defaults import ACCOUNT_RULE, CONTACT_RULE, LEAD_RULE, LEAD_VS_CONTACT_RULE
from leadkit.dedupe._engine import MatchIndex
from leadkit.dedupe._evidence import MatchPair
from leadkit.dedupe._rule import MatchingRule
from leadkit.errors import DuplicateBlockedError, ValidationError

__all__ = [
    "DEFAULT_ACCOUNT_DUPLICATE_RULES",
    "DEFAULT_CONTACT_DUPLICATE_RULES",
    "DEFAULT_LEAD_DUPLICATE_RULES",
    "DuplicateAction",
    "DuplicateBlockedError",
    "DuplicateCheck",
    "DuplicateFinding",
    "DuplicateRule",
    "DuplicateRuleSet",
    "Operation",
    "check_duplicates",
]


class DuplicateAction(enum.Enum):
    """What a duplicate rule does when it finds matches. Ordered: block is the strictest."""

    ALLOW = "allow"
    """Save without checking (the rule is not run for this operation)."""
    ALERT = "alert"
    """Save, and return the matches so that people can look at them."""
    BLOCK = "block"
    """Refuse the save: :class:`DuplicateBlockedError`."""


_STRICTNESS = {DuplicateAction.ALLOW: 0, DuplicateAction.ALERT: 1, DuplicateAction.BLOCK: 2}


class Operation(enum.Enum):
    """Whether the record is being created or edited."""

    CREATE = "create"
    EDIT = "edit"


def _action(value: object) -> DuplicateAction:
    if isinstance(value, DuplicateAction):
        return value
    try:
        return DuplicateAction(value)
    except ValueError:
        raise ValidationError(
            f"expected 'allow', 'alert' or 'block', got {value!r}", path="DuplicateRule.action"
        ) from None


def _operation(value: object) -> Operation:
    if isinstance(value, Operation):
        return value
    try:
        return Operation(value)
    except ValueError:
        raise ValidationError(
            f"expected 'create' or 'edit', got {value!r}", path="operation"
        ) from None


def _check_matching_rule(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, MatchingRule):
        raise ValidationError(
            f"expected a MatchingRule, got {type(value).__name__}",
            path="DuplicateRule.matching_rule",
        )


def _check_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"a rule needs a name, got {value!r}", path="DuplicateRule.name")


def _check_against(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"name the index to check against ('leads', 'contacts' ...), got {value!r}",
            path="DuplicateRule.against",
        )


def _check_active(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(f"must be True or False, got {value!r}", path="DuplicateRule.active")


@attrs.frozen
class DuplicateRule:
    """A matching rule and what to do on create and on edit when it finds matches.

    ``against`` names the index the rule runs against (``"leads"``, ``"contacts"``,
    ``"accounts"`` or your own name): :func:`check_duplicates` is given the indexes by
    name. An inactive rule is skipped.
    """

    name: str = attrs.field(validator=_check_name)
    matching_rule: MatchingRule = attrs.field(validator=_check_matching_rule)
    against: str = attrs.field(validator=_check_against, kw_only=True)
    on_create: DuplicateAction = attrs.field(
        default=DuplicateAction.ALERT, converter=_action, kw_only=True
    )
    on_edit: DuplicateAction = attrs.field(
        default=DuplicateAction.ALERT, converter=_action, kw_only=True
    )
    active: bool = attrs.field(default=True, validator=_check_active, kw_only=True)

    def action(self, operation: Operation) -> DuplicateAction:
        """The action for *operation* (ALLOW when the rule is inactive)."""
        if not self.active:
            return DuplicateAction.ALLOW
        return self.on_create if operation is Operation.CREATE else self.on_edit


def _rules(value: object) -> tuple[DuplicateRule, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("expected a list of DuplicateRule", path="DuplicateRuleSet.rules")
    rules = tuple(value)
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if not isinstance(rule, DuplicateRule):
            raise ValidationError(
                f"expected a DuplicateRule, got {type(rule).__name__}",
                path=f"DuplicateRuleSet.rules[{index}]",
            )
        if rule.name in seen:
            raise ValidationError(
                f"two rules are named {rule.name!r}", path=f"DuplicateRuleSet.rules[{index}].name"
            )
        seen.add(rule.name)
    return rules


@attrs.frozen
class DuplicateRuleSet:
    """The duplicate rules for one kind of record, all checked on every save."""

    rules: tuple[DuplicateRule, ...] = attrs.field(converter=_rules)


@attrs.frozen
class DuplicateFinding:
    """What one duplicate rule found: its action, the matching existing records, and the
    possible duplicates (pairs meeting the matching rule's ``possible`` logic).

    Possible duplicates are alerts whatever the rule's action: a rule that blocks
    matches still only alerts when it found nothing but possible duplicates (``action``
    is then ALERT), so that a person decides and nothing is merged or refused on a
    guess.
    """

    rule: str
    action: DuplicateAction
    matches: tuple[MatchPair, ...]
    possible: tuple[MatchPair, ...] = attrs.field(default=(), kw_only=True)

    def __str__(self) -> str:
        parts = []
        if self.matches:
            parts.append(", ".join(pair.right for pair in self.matches))
        if self.possible:
            parts.append("possible duplicates " + ", ".join(p.right for p in self.possible))
        return f"rule {self.rule!r} ({self.action.value}): {'; '.join(parts)}"


@attrs.frozen
class DuplicateCheck:
    """The outcome of checking one record: the findings of the rules that found matches.

    ``action`` is the strictest action among them (ALLOW when nothing was found).
    """

    record_id: str
    operation: Operation
    findings: tuple[DuplicateFinding, ...]

    @property
    def action(self) -> DuplicateAction:
        """The strictest action of the findings."""
        return max(
            (f.action for f in self.findings),
            key=_STRICTNESS.__getitem__,
            default=DuplicateAction.ALLOW,
        )

    @property
    def blocked(self) -> bool:
        """True when a blocking rule found a match."""
        return self.action is DuplicateAction.BLOCK

    @property
    def alerts(self) -> tuple[MatchPair, ...]:
        """What to show the person saving: the matches of alerting rules, then every
        possible duplicate (``pair.possible``), rule by rule."""
        matches = tuple(
            pair for f in self.findings if f.action is DuplicateAction.ALERT for pair in f.matches
        )
        return matches + self.possible

    @property
    def matches(self) -> tuple[MatchPair, ...]:
        """Every match found, rule by rule (possible duplicates not included)."""
        return tuple(pair for f in self.findings for pair in f.matches)

    @property
    def possible(self) -> tuple[MatchPair, ...]:
        """Every possible duplicate found, rule by rule: alerts, never blocks."""
        return tuple(pair for f in self.findings for pair in f.possible)

    def __str__(self) -> str:
        if not self.findings:
            return f"{self.record_id} ({self.operation.value}): no duplicates"
        lines = [f"{self.record_id} ({self.operation.value}): {self.action.value}"]
        lines.extend(f"  {finding}" for finding in self.findings)
        return "\n".join(lines)


def check_duplicates(
    record: Any,
    rules: DuplicateRuleSet,
    indexes: Mapping[str, MatchIndex],
    *,
    operation: Operation | str = Operation.CREATE,
) -> DuplicateCheck:
    """Run the duplicate rules for *record* being created or edited.

    Each active rule whose action for *operation* is not ALLOW is checked against
    ``indexes[rule.against]``, which must be built with that rule's matching rule. The
    record itself (same id) never counts as its own duplicate. Raises
    :class:`DuplicateBlockedError` when a blocking rule finds matches; otherwise returns
    the check, whose ``alerts`` list the matches to show. Possible duplicates (the
    matching rule's ``possible`` logic: for the standard rules the same name at the same
    company with different e-mails and phones, 同姓同名) are reported as alerts, in
    ``possible`` and ``alerts``, whatever the rule's action: they never block. The
    indexes are not changed: add the record to them once it is saved.

    >>> from datetime import UTC, datetime
    >>> from leadkit.dedupe import DEFAULT_LEAD_DUPLICATE_RULES, LEAD_RULE, MatchIndex
    >>> from leadkit.dedupe import LEAD_VS_CONTACT_RULE
    >>> from leadkit.model import Lead, PersonName
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> taro = Lead(id="a", name=PersonName("山田", "太郎"), company="ABC株式会社",
    ...             email="taro@abc.co.jp", created_at=t)
    >>> namesake = Lead(id="b", name=PersonName("山田", "太郎"), company="株式会社ABC",
    ...                 email="t.yamada@abc.co.jp", created_at=t)
    >>> indexes = {"leads": MatchIndex([taro], LEAD_RULE),
    ...            "contacts": MatchIndex([], LEAD_VS_CONTACT_RULE)}
    >>> check = check_duplicates(namesake, DEFAULT_LEAD_DUPLICATE_RULES, indexes)
    >>> check.action.value, check.matches, [pair.right for pair in check.alerts]
    ('alert', (), ['a'])
    """
    op = _operation(operation)
    if not isinstance(rules, DuplicateRuleSet):
        raise ValidationError(
            f"expected a DuplicateRuleSet, got {type(rules).__name__}", path="rules"
        )
    findings: list[DuplicateFinding] = []
    for position, rule in enumerate(rules.rules):
        action = rule.action(op)
        if action is DuplicateAction.ALLOW:
            continue
        index = indexes.get(rule.against)
        where = f"rules[{position}]"
        if index is None:
            raise ValidationError(
                f"rule {rule.name!r} checks against {rule.against!r}, but no index of that"
                f" name was given (given: {', '.join(sorted(indexes)) or 'none'})",
                path=f"{where}.against",
            )
        if index.rule != rule.matching_rule:
            raise ValidationError(
                f"the {rule.against!r} index was built with rule {index.rule.name!r}, but"
                f" {rule.name!r} needs {rule.matching_rule.name!r}",
                path=f"{where}.matching_rule",
            )
        found = index.match(record, include_possible=True)
        matches = tuple(pair for pair in found if pair.matched)
        possible = tuple(pair for pair in found if not pair.matched)
        if matches:
            findings.append(DuplicateFinding(rule.name, action, matches, possible=possible))
        elif possible:
            findings.append(
                DuplicateFinding(rule.name, DuplicateAction.ALERT, (), possible=possible)
            )
    check = DuplicateCheck(record_id=record.id, operation=op, findings=tuple(findings))
    if check.blocked:
        raise DuplicateBlockedError(check)
    return check


def _default(rule: MatchingRule, against: str, name: str) -> DuplicateRule:
    return DuplicateRule(name, rule, against=against)


DEFAULT_LEAD_DUPLICATE_RULES = DuplicateRuleSet(
    [
        _default(LEAD_RULE, "leads", "Standard lead duplicates"),
        _default(LEAD_VS_CONTACT_RULE, "contacts", "Leads that are already contacts"),
    ]
)
"""Alert (never block) on create and edit: other leads (index ``"leads"`` with
:data:`LEAD_RULE`) and contacts (index ``"contacts"`` with :data:`LEAD_VS_CONTACT_RULE`)."""

DEFAULT_CONTACT_DUPLICATE_RULES = DuplicateRuleSet(
    [_default(CONTACT_RULE, "contacts", "Standard contact duplicates")]
)
"""Alert on create and edit against index ``"contacts"`` (:data:`CONTACT_RULE`)."""

DEFAULT_ACCOUNT_DUPLICATE_RULES = DuplicateRuleSet(
    [_default(ACCOUNT_RULE, "accounts", "Standard account duplicates")]
)
"""Alert on create and edit against index ``"accounts"`` (:data:`ACCOUNT_RULE`)."""
