"""Candidate features: conditions of the one condition language, evaluated as of a cut-off.

A feature is a named :class:`~leadkit.rules.Condition` with a *family* (the field or the
event kind it looks at). Learners pick a few and give each points, so the model they
return is an ordinary :class:`~leadkit.scoring.ScoringModel` of profile rules: every
point it gives is one of these conditions holding.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from leadkit.errors import ValidationError
from leadkit.model import EngagementEvent, Lead
from leadkit.predict._outcomes import Outcome
from leadkit.rules import Condition, compile_condition, events, field

__all__ = ["Feature", "candidate_features", "feature_matrix"]

# Profile fields with a handful of values, compared for equality.
_CATEGORIES = ("industry", "lead_source", "address.country", "address.region", "rating")
# Profile fields with numbers, compared with thresholds.
_NUMBERS = ("employees", "annual_revenue")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@attrs.frozen
class Feature:
    """One candidate: a condition, its name in the learned model, and what it looks at.

    >>> from leadkit.rules import field
    >>> f = Feature("employees >= 1000", field("employees") >= 1000, family="employees")
    >>> f.family
    'employees'
    """

    name: str
    condition: Condition
    family: str = attrs.field(kw_only=True)


def _label(value: object) -> str:
    text = str(value.amount) if hasattr(value, "amount") else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _value(lead: Lead, path: str) -> object:
    current: object = lead
    for part in path.split("."):
        if part == "custom" and isinstance(current, Lead):
            current = current.custom
            continue
        if isinstance(current, Mapping):
            current = current.get(part)
        else:
            current = getattr(current, part, None)
        if current is None:
            return None
    if hasattr(current, "value") and not isinstance(current, (int, float, Decimal, str)):
        current = current.value  # an enum compares by its value
    return current


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if hasattr(value, "amount"):
        value = value.amount  # Money compares by its amount
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _thresholds(values: Sequence[float], *, bins: int) -> list[float]:
    """Cut points between the values: each distinct value when there are few, else the
    quantiles of ``bins`` equal groups. ``>= cut`` never holds for every value."""
    distinct = sorted(set(values))
    if len(distinct) < 2:
        return []
    if len(distinct) <= bins + 1:
        return distinct[1:]
    ordered = sorted(values)
    cuts = {ordered[len(ordered) * step // bins] for step in range(1, bins)}
    return sorted(cut for cut in cuts if cut > distinct[0])


def _numeric_features(path: str, values: Sequence[float], *, bins: int) -> list[Feature]:
    found = []
    for cut in _thresholds(values, bins=bins):
        shown = int(cut) if float(cut).is_integer() else cut
        found.append(Feature(f"{path} >= {shown}", field(path) >= shown, family=path))
    return found


def _categorical_features(path: str, counts: Counter[str], *, support: int) -> list[Feature]:
    found = []
    for value, seen in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if seen >= support:
            found.append(Feature(f"{path} = {_label(value)}", field(path) == value, family=path))
    return found


def _title_words(leads: Sequence[Lead], *, support: int) -> list[Feature]:
    counts: Counter[str] = Counter()
    for lead in leads:
        if lead.title:
            text = unicodedata.normalize("NFKC", lead.title).casefold()
            counts.update(set(_WORD.findall(text)))
    return [
        Feature(f"title contains {word}", field("title").contains(word), family=f"title:{word}")
        for word, seen in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if seen >= support
    ]


def _event_features(
    outcomes: Sequence[Outcome],
    by_lead: Mapping[str, Sequence[EngagementEvent]],
    *,
    windows: Sequence[int],
    support: int,
) -> list[Feature]:
    kinds: Counter[str] = Counter()
    counts: dict[str, list[int]] = defaultdict(list)
    for outcome in outcomes:
        seen = Counter(e.kind for e in by_lead.get(outcome.lead.id, ()))
        kinds.update(seen.keys())
        for kind, n in seen.items():
            counts[kind].append(n)
    found = []
    for kind in sorted(k for k, n in kinds.items() if n >= support):
        many = sorted(counts[kind])[len(counts[kind]) // 2]  # the median count among leads
        for days in windows:
            recent = events(kind).within(days=days)
            found.append(
                Feature(f"{kind} within {days} days", recent.exists(), family=f"event:{kind}")
            )
            if many >= 2:
                found.append(
                    Feature(
                        f"{kind} {many}+ times within {days} days",
                        recent.count() >= many,
                        family=f"event:{kind}",
                    )
                )
    return found


def events_by_lead(
    outcomes: Sequence[Outcome], found: Iterable[EngagementEvent]
) -> dict[str, list[EngagementEvent]]:
    """Each outcome's events up to its cut-off, oldest first: what its features see."""
    cutoffs = {o.lead.id: o.cutoff for o in outcomes}
    grouped: dict[str, list[EngagementEvent]] = defaultdict(list)
    for event in found:
        if not isinstance(event, EngagementEvent):
            raise ValidationError(
                f"expected an EngagementEvent, got {type(event).__name__}", path="events"
            )
        cutoff = cutoffs.get(event.lead_id or "")
        if cutoff is not None and event.occurred_at <= cutoff:
            grouped[event.lead_id or ""].append(event)
    for listed in grouped.values():
        listed.sort(key=lambda e: e.occurred_at)
    return dict(grouped)


def candidate_features(
    outcomes: Sequence[Outcome],
    events: Iterable[EngagementEvent] = (),
    *,
    windows: Sequence[int] = (30, 90),
    bins: int = 4,
    min_support: int | None = None,
    custom: bool = True,
) -> tuple[Feature, ...]:
    """Candidate features found in the data: what a learner may choose from.

    - equality with each frequent value of ``industry``, ``lead_source``, country,
      region and rating (and of text custom fields);
    - thresholds on ``employees``, ``annual_revenue`` and numeric custom fields: each
      value when a field has at most ``bins + 1`` of them (codes, small counts), else
      the quartiles (``bins`` groups);
    - the words of titles (``title contains 部長``);
    - each event kind within each of ``windows`` days, and at least its median count.

    A value must be seen on ``min_support`` leads (default: 1% of them, at least 5).
    """
    listed = list(outcomes)
    support = min_support if min_support is not None else max(5, len(listed) // 100)
    leads = [o.lead for o in listed]
    found: list[Feature] = []
    for path in _CATEGORIES:
        counts: Counter[str] = Counter()
        for lead in leads:
            value = _value(lead, path)
            if isinstance(value, str) and value:
                counts[value] += 1
        found.extend(_categorical_features(path, counts, support=support))
    for path in _NUMBERS:
        numbers = [n for n in (_number(_value(lead, path)) for lead in leads) if n is not None]
        found.extend(_numeric_features(path, numbers, bins=bins))
    if custom:
        keys = sorted({key for lead in leads for key in lead.custom})
        for key in keys:
            path = f"custom.{key}"
            values = [lead.custom.get(key) for lead in leads]
            numbers = [n for n in (_number(v) for v in values) if n is not None]
            if numbers and len(numbers) >= sum(1 for v in values if v is not None) / 2:
                found.extend(_numeric_features(path, numbers, bins=bins))
            else:
                texts = Counter(v for v in values if isinstance(v, str) and v)
                found.extend(_categorical_features(path, texts, support=support))
    found.extend(_title_words(leads, support=support))
    by_lead = events_by_lead(listed, events)
    found.extend(_event_features(listed, by_lead, windows=windows, support=support))
    return tuple(found)


def feature_matrix(
    features: Sequence[Feature],
    outcomes: Sequence[Outcome],
    events: Iterable[EngagementEvent] = (),
) -> list[list[bool]]:
    """One row per outcome, one column per feature: whether it held at the cut-off.

    Each lead sees only its own events up to its cut-off; an event after it never
    changes a row (no leakage).
    """
    by_lead = events_by_lead(outcomes, events)
    compiled = [compile_condition(f.condition) for f in features]
    rows = []
    for outcome in outcomes:
        seen = by_lead.get(outcome.lead.id, ())
        lead, cutoff = outcome.lead, outcome.cutoff
        rows.append([test(lead, seen, as_of=cutoff) for test in compiled])
    return rows
