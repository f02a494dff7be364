"""Scoring, grading, stages and routing of a frame, returned as a frame aligned to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from leadkit._checks import aware_datetime
from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.frames._backend import Table, build_frame, library_of, pandas, polars, read_frame
from leadkit.frames._records import Unknown, frame_columns, read_options, table_records
from leadkit.model import EngagementEvent, Lead

__all__ = ["RESULT_COLUMNS", "score_frame"]

RESULT_COLUMNS = ("score", "grade", "priority", "stage", "owner", "why")
"""The result columns ``score_frame`` can add, in their order."""

_TOP = 3  # contributions named in "why"


def _sign(points: float) -> str:
    return f"{points:+g}"


def _score_why(card: Any) -> str:
    items = sorted(card.contributions, key=lambda c: -abs(c.points))
    named = [f"{c.rule.name} {_sign(c.points)}" for c in items[:_TOP] if c.points]
    if len(items) > _TOP:
        named.append("…")
    return ", ".join(named) if named else "no rule counted"


def _grade_why(card: Any) -> str:
    marks = [f"+{r.name}" for r in card.matched] + [f"-{r.name}" for r in card.unmatched]
    return f"grade {card.grade}: " + (", ".join(marks) if marks else "no criterion known")


def _events_by_lead(events: Iterable[EngagementEvent]) -> dict[str, list[EngagementEvent]]:
    by_lead: dict[str, list[EngagementEvent]] = {}
    for position, event in enumerate(events):
        if not isinstance(event, EngagementEvent):
            raise ValidationError(
                f"expected an EngagementEvent, got {type(event).__name__}",
                path=("events", position),
            )
        if event.lead_id is not None:
            by_lead.setdefault(event.lead_id, []).append(event)
    return by_lead


def _keep(table: Table, keep: bool | Sequence[str], key: str | None) -> list[str]:
    if isinstance(keep, bool):
        chosen = list(table.names) if keep else []
    elif isinstance(keep, str) or not isinstance(keep, Sequence):
        raise ValidationError(
            "keep is True, False or a list of the frame's column names", path="keep"
        )
    else:
        chosen = list(keep)
    for name in chosen:
        if name not in table.names:
            raise ValidationError("not a column of the frame", path=("keep", name))
    if key is not None and key not in chosen:
        chosen.insert(0, key)
    return chosen


def score_frame(
    frame: object,
    *,
    as_of: datetime,
    events: object = None,
    model: Any = None,
    grading: Any = None,
    policy: Any = None,
    router: Any = None,
    state: Any = None,
    key: str | None = None,
    keep: bool | Sequence[str] = False,
    explain: bool = True,
    columns: Mapping[str, str | None] | None = None,
    unknown: Unknown = "error",
    timezone: str | None = None,
    currency: str | None = None,
) -> Any:
    """Score, grade, classify and route the leads of a pandas or Polars frame, and return
    a frame of the same kind with one row per input row, in the same order.

    A pandas result has the input's index, so ``frame.join(result)`` lines up; with
    ``key`` (a column of the input, such as your CRM's id) that column comes first too,
    to join on, and when the frame has no ``id`` column its values are the lead ids
    (which ``events`` refer to by ``lead_id``). ``keep=True`` puts every input column
    beside the results, ``keep=[...]`` the columns named; a kept column that is not a
    lead column is carried through, never an unknown column.

    Each part runs when its input is given: ``model`` (a ``ScoringModel``) gives
    ``score``; ``grading`` (a ``GradingProfile`` or ``GradingScheme``) gives ``grade``;
    both give ``priority`` (the A1..D4 matrix); ``policy`` (a ``StagePolicy``) gives
    ``stage``, from the score and grade; ``router`` (a routing ``Router``) gives
    ``owner``, recorded in ``state`` (a fresh ``InMemoryState`` unless given). ``why``
    says in one line what counted: the top rules, the grade's criteria, the move to the
    stage and the routing entry (``explain=False`` leaves it out and runs faster).

    ``events`` is a frame of engagement events (read with the same ``timezone``) or an
    iterable of ``EngagementEvent``. ``columns``, ``unknown``, ``timezone`` and
    ``currency`` read the leads as ``leads_from_frame`` does.
    """
    aware_datetime(as_of, path="as_of", error=ValidationError)
    if not isinstance(explain, bool):
        raise ValidationError(f"explain is True or False, got {explain!r}", path="explain")
    if model is None and grading is None and policy is None and router is None:
        raise ValidationError("nothing to do: pass model, grading, policy or router", path="model")
    _check_parts(model, grading, policy, router)
    table = read_frame(frame)
    if key is not None and key not in table.names:
        raise ValidationError("not a column of the frame", path=("key", key))
    kept = _keep(table, keep, key)
    mapping = dict(columns or {})
    if key is not None and key not in mapping:
        has_id = any(mapping.get(name, name) == "id" for name in table.names if name != key)
        mapping[key] = None if has_id else "id"
        if not has_id:
            empty = [
                Problem(("rows", _label(label), key), "the key is empty; every row needs one")
                for label, value in zip(table.labels, table.columns[key], strict=True)
                if value is None
            ]
            if empty:
                raise LoadError(empty, what="DataFrame")
            # The key's values become the lead ids, as text.
            ids: list[object] = [_key_text(v) for v in table.columns[key]]
            table = attrs.evolve(table, columns={**table.columns, key: ids})
    known = frame_columns(Lead)
    for name in kept:
        # A column kept beside the results and not a lead column is the user's own.
        if name not in mapping and name not in known and not name.startswith("custom."):
            mapping[name] = None
    options = read_options(columns=mapping, unknown=unknown, timezone=timezone, currency=currency)
    leads: list[Lead] = table_records(table, Lead, options)
    _check_unique(table, leads, key)
    by_lead = _read_events(events, timezone)

    results: dict[str, list[object]] = {}
    why: list[list[str]] = [[] for _ in leads]
    totals: list[float] | None = None
    grades: list[Any] | None = None
    if model is not None:
        flat = [e for lead in leads for e in by_lead.get(lead.id, ())]
        if explain:
            cards = model.score_many(leads, flat, as_of=as_of, breakdown=True)
            totals = [cards[lead.id].total for lead in leads]
            for parts, lead in zip(why, leads, strict=True):
                parts.append(_score_why(cards[lead.id]))
        else:
            scores = model.score_many(leads, flat, as_of=as_of)
            totals = [scores[lead.id] for lead in leads]
        results["score"] = list(totals)
    if grading is not None:
        if explain:
            grade_cards = [grading.grade(lead, as_of=as_of) for lead in leads]
            grades = [card.grade for card in grade_cards]
            for parts, card in zip(why, grade_cards, strict=True):
                parts.append(_grade_why(card))
        else:
            found = grading.grade_many(leads, as_of=as_of)
            grades = [found[lead.id] for lead in leads]
        results["grade"] = [str(g) for g in grades]
    if totals is not None and grades is not None:
        from leadkit.scoring import priority_matrix

        results["priority"] = [priority_matrix(g, s) for g, s in zip(grades, totals, strict=True)]
    if policy is not None:
        from leadkit.stages import Stage, classify

        stages: list[object] = []
        for position, lead in enumerate(leads):
            decided = classify(
                lead,
                score=None if totals is None else totals[position],
                grade=None if grades is None else grades[position],
                policy=policy,
                as_of=as_of,
                events=by_lead.get(lead.id, ()),
                explain=False,
            )
            stages.append(decided.stage.label)
            move = decided.proposed_transition
            if explain and move is not None and move.reason and decided.stage is not Stage.INQUIRY:
                why[position].append(f"{decided.stage.label}: {move.reason}")
        results["stage"] = stages
    if router is not None:
        from leadkit.routing import InMemoryState

        decisions = router.route_many(
            leads,
            as_of=as_of,
            state=state if state is not None else InMemoryState(),
            events=by_lead,
            explain=False,
        )
        results["owner"] = [str(d.owner) for d in decisions]
        for parts, decision in zip(why, decisions, strict=True):
            entry = "default owner" if decision.entry is None else f"entry {decision.entry}"
            parts.append(f"owner by {entry}")
    if explain:
        results["why"] = ["; ".join(parts) for parts in why]
    return _assemble(frame, table, results, kept)


def _key_text(value: object) -> str:
    # 101.0 in a float column (pandas' integers beside a missing value) is the key 101.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(label: object) -> str | int:
    return label if isinstance(label, int | str) else str(label)


def _check_parts(model: object, grading: object, policy: object, router: object) -> None:
    from leadkit.routing import Router
    from leadkit.scoring import GradingProfile, GradingScheme, ScoringModel
    from leadkit.stages import StagePolicy

    expected: list[tuple[str, object, tuple[type, ...], str]] = [
        ("model", model, (ScoringModel,), "a ScoringModel"),
        ("grading", grading, (GradingProfile, GradingScheme), "a GradingProfile or GradingScheme"),
        ("policy", policy, (StagePolicy,), "a StagePolicy"),
        ("router", router, (Router,), "a routing Router"),
    ]
    for name, value, types, what in expected:
        if value is not None and not isinstance(value, types):
            raise ValidationError(f"{name} is {what}, got {type(value).__name__}", path=name)


def _check_unique(table: Table, leads: list[Lead], key: str | None) -> None:
    seen: dict[str, object] = {}
    problems: list[Problem] = []
    for label, lead in zip(table.labels, leads, strict=True):
        if lead.id in seen:
            row = _label(label)
            column = key if key is not None and "id" not in table.names else "id"
            problems.append(
                Problem(
                    ("rows", row, column),
                    f"the id {lead.id!r} is also the id of row {seen[lead.id]!r}; results "
                    "are per lead, so each row needs its own id",
                )
            )
        seen.setdefault(lead.id, label)
    if problems:
        raise LoadError(problems, what="DataFrame")


def _read_events(events: object, timezone: str | None) -> dict[str, list[EngagementEvent]]:
    if events is None:
        return {}
    if library_of(events) is not None:
        from leadkit.frames._records import events_from_frame

        try:
            return _events_by_lead(events_from_frame(events, timezone=timezone))
        except LoadError as err:
            raise err.at("events") from None
    if not isinstance(events, Iterable):
        raise ValidationError(
            f"events is a frame or an iterable of EngagementEvent, got {type(events).__name__}",
            path="events",
        )
    return _events_by_lead(events)


def _assemble(frame: Any, table: Table, results: dict[str, list[object]], kept: list[str]) -> Any:
    for name in kept:
        if name in results:
            raise ValidationError(
                f"{name!r} is also a result column; rename it or leave it out of keep",
                path=("keep", name),
            )
    kinds = {"score": "float", "grade": "text", "priority": "text", "stage": "text"}
    kinds |= {"owner": "text", "why": "text"}
    if table.library == "pandas":
        pd = pandas()
        out = build_frame("pandas", results, kinds=kinds, index=table.index)
        if "score" in results:
            out["score"] = out["score"].astype("float64")
        return pd.concat([frame.loc[:, kept], out], axis=1) if kept else out
    pl = polars()
    out = build_frame("polars", results, kinds=kinds)
    if "score" in results:
        out = out.with_columns(pl.col("score").cast(pl.Float64))
    return pl.concat([frame.select(kept), out], how="horizontal") if kept else out
