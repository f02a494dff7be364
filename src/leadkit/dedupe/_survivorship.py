"""Survivorship: which value each field of a merged record keeps, as data.

A :class:`Survivorship` names a rule per field (and a default for the others); each rule
picks one value from the candidates (the master's first, then the duplicates' in the
order given) and says why, so a merge can explain every field it filled.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from leadkit.errors import ValidationError
from leadkit.model import (
    Account,
    Contact,
    CustomFields,
    Lead,
    Money,
    PersonName,
    is_empty,
    normalise_text,
)

survivorship_error = functools.partial(ValidationError, code="survivorship")

__all__ = [
    "CONCATENATE",
    "FIRST_NON_EMPTY",
    "LONGEST",
    "MASTER_WINS",
    "MAXIMUM",
    "MOST_RECENT",
    "Candidate",
    "Concatenate",
    "FieldDecision",
    "FieldRule",
    "FirstNonEmpty",
    "Longest",
    "MasterWins",
    "Maximum",
    "MostRecent",
    "Survivorship",
]

MergeableRecord: TypeAlias = Lead | Contact | Account

# The master keeps its identity and history; these are never taken from a duplicate.
PROTECTED = frozenset({"id", "version", "created_at", "master_record_id", "conversion"})


@attrs.frozen
class Candidate:
    """One record's value for a field: who holds it, the value, and when it was set."""

    record_id: str
    value: Any
    timestamp: datetime | date | None = None


@attrs.frozen
class Choice:
    """What a rule picked: the value, the records it came from, and why."""

    value: Any
    winners: tuple[str, ...]
    reason: str


def _first(candidates: Sequence[Candidate], reason: str) -> Choice:
    for candidate in candidates:
        if not is_empty(candidate.value):
            return Choice(candidate.value, (candidate.record_id,), reason)
    master = candidates[0]
    return Choice(master.value, (master.record_id,), "empty on every record")


@attrs.frozen
class MasterWins:
    """The master's value, even when it is empty."""

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The master's value."""
        master = candidates[0]
        return Choice(master.value, (master.record_id,), "master wins")

    def __str__(self) -> str:
        return "master wins"


@attrs.frozen
class FirstNonEmpty:
    """The first non-empty value: the master's, else the duplicates' in the order given."""

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The first non-empty value."""
        if not is_empty(candidates[0].value):
            return Choice(candidates[0].value, (candidates[0].record_id,), "the master's value")
        return _first(candidates, "first non-empty; the master's is empty")

    def __str__(self) -> str:
        return "first non-empty"


def _check_path(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value or value.startswith(".") or value.endswith("."):
        raise ValidationError(
            f"expected a field path such as 'created_at' or 'custom.updated_at', got {value!r}",
            path="MostRecent.by",
        )


@attrs.frozen
class MostRecent:
    """The non-empty value of the record whose ``by`` timestamp is latest.

    ``by`` is ``created_at`` (the default) or a custom date or datetime field
    (``custom.updated_at``). A record without the timestamp ranks last; ties go to the
    earlier record (the master first).
    """

    by: str = attrs.field(default="created_at", validator=_check_path)

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The latest non-empty value."""
        dated = [(c.timestamp, -i, c) for i, c in enumerate(candidates) if not is_empty(c.value)]
        if not dated:
            return _first(candidates, "")
        with_time = [item for item in dated if item[0] is not None]
        if not with_time:
            return _first(candidates, f"no record has {self.by}; first non-empty")
        try:
            when, _, best = max(with_time, key=lambda item: (_instant(item[0]), item[1]))
        except TypeError:
            raise survivorship_error(
                f"{self.by} mixes dates and datetimes, or is not a date",
                path=field,
            ) from None
        shown = when.isoformat() if isinstance(when, date | datetime) else str(when)
        return Choice(best.value, (best.record_id,), f"most recent by {self.by} ({shown})")

    def __str__(self) -> str:
        return f"most recent by {self.by}"


def _instant(value: object) -> datetime | date:
    if isinstance(value, datetime | date):
        return value
    raise TypeError(value)


@attrs.frozen
class Longest:
    """The longest non-empty text; ties go to the earlier record (the master first)."""

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The longest text."""
        texts = [(len(c.value.strip()), -i, c) for i, c in enumerate(candidates) if _text(c, field)]
        if not texts:
            return _first(candidates, "")
        length, _, best = max(texts, key=lambda item: item[:2])
        return Choice(best.value, (best.record_id,), f"longest ({length} characters)")

    def __str__(self) -> str:
        return "longest"


def _text(candidate: Candidate, field: str) -> bool:
    if is_empty(candidate.value):
        return False
    if not isinstance(candidate.value, str):
        raise survivorship_error(
            f"expected text, got {type(candidate.value).__name__} on {candidate.record_id!r}",
            path=field,
        )
    return True


@attrs.frozen
class Maximum:
    """The largest non-empty value (numbers, money of one currency, dates, True over False).

    ``True`` is the maximum of yes/no fields, so an opt-out on any record survives.
    """

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The largest value."""
        present = [(c.value, -i, c) for i, c in enumerate(candidates) if not is_empty(c.value)]
        if not present:
            return _first(candidates, "")
        for value, _, candidate in present:
            if not isinstance(value, _ORDERED):
                raise survivorship_error(
                    f"cannot take the maximum of {type(value).__name__} "
                    f"(on {candidate.record_id!r})",
                    path=field,
                )
        try:
            value, _, best = max(present, key=lambda item: (item[0], item[1]))
        except (TypeError, ValidationError) as error:
            raise survivorship_error(
                f"values cannot be compared ({error}); use another rule for this field",
                path=field,
            ) from None
        return Choice(value, (best.record_id,), f"maximum ({value})")

    def __str__(self) -> str:
        return "maximum"


_ORDERED = (int, float, Decimal, Money, date, datetime, str, bool)


def _check_separator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ValidationError(f"expected a str, got {value!r}", path="Concatenate.separator")


@attrs.frozen
class Concatenate:
    """Every distinct non-empty text joined by ``separator``, master first.

    Texts equal after normalisation (width, case, spacing) appear once.
    """

    separator: str = attrs.field(default="\n", validator=_check_separator)

    def choose(self, field: str, candidates: Sequence[Candidate]) -> Choice:
        """The texts joined."""
        seen: dict[str, Candidate] = {}
        for candidate in candidates:
            if _text(candidate, field):
                seen.setdefault(normalise_text(candidate.value), candidate)
        if not seen:
            return _first(candidates, "")
        parts = list(seen.values())
        if len(parts) == 1:
            only = parts[0]
            return Choice(only.value, (only.record_id,), "concatenate (one distinct text)")
        value = self.separator.join(c.value.strip() for c in parts)
        return Choice(value, tuple(c.record_id for c in parts), f"concatenate ({len(parts)} texts)")

    def __str__(self) -> str:
        return f"concatenate with {self.separator!r}"


FieldRule: TypeAlias = MasterWins | FirstNonEmpty | MostRecent | Longest | Maximum | Concatenate
"""One survivorship rule."""

MASTER_WINS = MasterWins()
"""Keep the master's value, even when empty."""
FIRST_NON_EMPTY = FirstNonEmpty()
"""The master's value unless empty, else the first duplicate's that is not."""
MOST_RECENT = MostRecent()
"""The non-empty value of the most recently created record."""
LONGEST = Longest()
"""The longest text."""
MAXIMUM = Maximum()
"""The largest value."""
CONCATENATE = Concatenate()
"""Distinct texts joined by new lines."""

_RULE_TYPES = (MasterWins, FirstNonEmpty, MostRecent, Longest, Maximum, Concatenate)
# Consent must never be lost by a merge: if any record opted out, the merged one has.
_CONSENT_FIELDS = ("email_opt_out", "do_not_call")
_KINDS: dict[type, str] = {Lead: "lead", Contact: "contact", Account: "account"}


def _type_names(annotation: Any) -> set[type]:
    args = typing.get_args(annotation)
    if args:
        return {t for arg in args for t in _type_names(arg)}
    return {annotation} if isinstance(annotation, type) else set()


def _check_record_type(value: object) -> type[MergeableRecord]:
    if value not in _KINDS:
        raise ValidationError(
            f"survivorship is for Lead, Contact or Account, got {value!r}",
            path="Survivorship.record_type",
        )
    return typing.cast(type[MergeableRecord], value)


def _check_rule(rule: object, where: str) -> FieldRule:
    if not isinstance(rule, _RULE_TYPES):
        raise ValidationError(
            "expected a survivorship rule (MASTER_WINS, FIRST_NON_EMPTY, MOST_RECENT, LONGEST,"
            f" MAXIMUM, CONCATENATE or one built from their classes), got {rule!r}",
            path=where,
        )
    return rule


def _fields(value: object) -> Mapping[str, FieldRule]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping of field name to rule, got {type(value).__name__}",
            path="Survivorship.fields",
        )
    return dict(value)


@attrs.frozen
class FieldDecision:
    """How one field of the master got its value: the rule, the records, the reason."""

    field: str
    rule: str
    value: Any
    winners: tuple[str, ...]
    reason: str
    changed: bool

    def __str__(self) -> str:
        came = ", ".join(self.winners)
        change = "changed" if self.changed else "kept"
        return f"{self.field}: {_show(self.value)} from {came} ({self.reason}; {change})"


def _show(value: object) -> str:
    if isinstance(value, PersonName):
        return repr(value.display)
    if isinstance(value, Money):
        return f"{value.amount} {value.currency}"
    return repr(value)


@attrs.frozen
class Survivorship:
    """Which value each field of the merged master keeps.

    ``fields`` maps field names (``phone``, ``description``, ``custom.budget``) to a rule;
    every other field uses ``default``. Field names are checked against ``record_type``
    when the object is built. Custom fields merge key by key (``custom.<key>`` rules, or
    ``default``). ``id``, ``version``, ``created_at``, ``master_record_id`` and a lead's
    ``conversion`` always stay the master's. Unless named in ``fields``, the consent
    flags ``email_opt_out`` and ``do_not_call`` take the :data:`MAXIMUM`: an opt-out on
    any record survives the merge.

    >>> from leadkit.model import Lead
    >>> s = Survivorship(Lead, fields={"phone": MOST_RECENT, "description": CONCATENATE})
    >>> str(s.rule_for("phone")), str(s.rule_for("title")), str(s.rule_for("do_not_call"))
    ('most recent by created_at', 'first non-empty', 'maximum')
    >>> Survivorship(Lead, fields={"fax": LONGEST})
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: Survivorship.fields.fax: lead has no ...
    """

    record_type: type[MergeableRecord] = attrs.field(converter=_check_record_type)
    default: FieldRule = attrs.field(default=FIRST_NON_EMPTY, kw_only=True)
    fields: Mapping[str, FieldRule] = attrs.field(factory=dict, converter=_fields, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _check_rule(self.default, "Survivorship.default")
        hints = typing.get_type_hints(self.record_type)
        mergeable = self.mergeable_fields
        for name, rule in self.fields.items():
            where = f"Survivorship.fields.{name}"
            if not isinstance(name, str):
                raise survivorship_error(f"field names are str, got {name!r}", path=where)
            _check_rule(rule, where)
            if name.startswith("custom."):
                key = name.removeprefix("custom.")
                if not key.isidentifier():
                    raise survivorship_error(f"{key!r} is not a custom field name", path=where)
                continue
            if name in PROTECTED:
                raise survivorship_error(
                    f"{name!r} always stays the master's; it takes no rule",
                    path=where,
                )
            if name not in mergeable:
                raise survivorship_error(
                    f"{self.kind} has no field {name!r}; fields: {', '.join(mergeable)}",
                    path=where,
                )
            self._check_fits(name, rule, _type_names(hints[name]), where)
        for name, rule in [("default", self.default), *self.fields.items()]:
            if isinstance(rule, MostRecent):
                self._check_timestamp(rule.by, hints, f"Survivorship.fields.{name}.by")

    def _check_fits(self, name: str, rule: FieldRule, types: set[type], where: str) -> None:
        if isinstance(rule, Longest | Concatenate) and not types <= {str, type(None)}:
            raise survivorship_error(f"{rule} needs a text field; {name!r} is not", path=where)
        if isinstance(rule, Maximum) and not (types - {type(None)}) <= set(_ORDERED):
            raise survivorship_error(
                f"maximum needs numbers, money, dates, text or yes/no; {name!r} is not",
                path=where,
            )

    def _check_timestamp(self, by: str, hints: Mapping[str, Any], where: str) -> None:
        if by.startswith("custom."):
            return
        if by not in hints or not _type_names(hints[by]) & {date, datetime}:
            raise survivorship_error(
                f"{by!r} is not a date or datetime field of a {self.kind}; use 'created_at' "
                "or 'custom.<name>'",
                path=where,
            )

    @property
    def kind(self) -> str:
        """``lead``, ``contact`` or ``account``."""
        return _KINDS[self.record_type]

    @property
    def mergeable_fields(self) -> tuple[str, ...]:
        """The record type's fields that take a value by a rule, ``custom`` included."""
        return tuple(a.name for a in attrs.fields(self.record_type) if a.name not in PROTECTED)

    def rule_for(self, field: str) -> FieldRule:
        """The rule that decides ``field`` (``custom.<key>`` for a custom field)."""
        if field in self.fields:
            return self.fields[field]
        if field in _CONSENT_FIELDS:
            return MAXIMUM
        return self.default

    def resolve(
        self, master: MergeableRecord, duplicates: Sequence[MergeableRecord]
    ) -> tuple[dict[str, Any], tuple[FieldDecision, ...]]:
        """The master's new field values and a decision per field the records disagree on.

        Returns only the fields whose value changes; ``decisions`` also lists contested
        fields where the master's value was kept.
        """
        records = [master, *duplicates]
        changes: dict[str, Any] = {}
        decisions: list[FieldDecision] = []
        for name in self.mergeable_fields:
            if name == "custom":
                custom = self._resolve_custom(records, decisions)
                if custom != master.custom:
                    changes["custom"] = custom
                continue
            rule = self.rule_for(name)
            values = [getattr(r, name) for r in records]
            choice = rule.choose(name, self._candidates(records, values, rule))
            changed = choice.value != values[0]
            if changed:
                changes[name] = choice.value
            if any(value != values[0] for value in values[1:]):
                decisions.append(
                    FieldDecision(
                        name, str(rule), choice.value, choice.winners, choice.reason, changed
                    )
                )
        return changes, tuple(decisions)

    def _resolve_custom(
        self, records: list[MergeableRecord], decisions: list[FieldDecision]
    ) -> CustomFields:
        keys = dict.fromkeys(key for r in records for key in r.custom)
        merged: dict[str, Any] = {}
        for key in keys:
            name = f"custom.{key}"
            rule = self.rule_for(name)
            values = [r.custom.get(key) for r in records]
            choice = rule.choose(name, self._candidates(records, values, rule))
            merged[key] = choice.value
            if any(value != values[0] for value in values[1:]):
                changed = choice.value != values[0]
                decisions.append(
                    FieldDecision(
                        name, str(rule), choice.value, choice.winners, choice.reason, changed
                    )
                )
        return CustomFields(merged)

    def _candidates(
        self, records: list[MergeableRecord], values: list[Any], rule: FieldRule
    ) -> list[Candidate]:
        if not isinstance(rule, MostRecent):
            return [Candidate(r.id, v) for r, v in zip(records, values, strict=True)]
        return [
            Candidate(r.id, v, _timestamp(r, rule.by)) for r, v in zip(records, values, strict=True)
        ]


def _timestamp(record: MergeableRecord, by: str) -> datetime | date | None:
    if by.startswith("custom."):
        value = record.custom.get(by.removeprefix("custom."))
    else:
        value = getattr(record, by)
    if value is None or isinstance(value, datetime | date):
        return value
    raise survivorship_error(
        f"{by} of {record.id!r} is {type(value).__name__}, not a date or datetime",
        path=by,
    )
