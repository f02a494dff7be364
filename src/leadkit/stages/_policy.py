"""The stage policy: what makes an MQL, an SGL or a disqualified lead, and the service level.

Score and grade are not fields of a lead — they are what scoring and grading say about
it — so the policy holds them as typed thresholds (``min_score``, ``min_grade``) beside
conditions of the condition language on the lead and its events (``when``,
``or_when``). Each threshold and condition is reported on its own in the reasons.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from leadkit._checks import MAX_DAYS, finite_number
from leadkit.errors import LoadError, Problem, format_path
from leadkit.io import load_data
from leadkit.io._plain import check_plain
from leadkit.model import Lead
from leadkit.rules import CompiledCondition, Condition, compile, from_data, to_data
from leadkit.stages._errors import StageError
from leadkit.stages._stage import grade_letter

__all__ = ["MqlRule", "StagePolicy", "dump_stage_policy", "load_stage_policy"]


def _number(path: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        finite_number(value, path=path, error=StageError)

    return check


def _grade(value: object) -> str | None:
    return None if value is None else grade_letter(value, path="MqlRule.min_grade")


def _condition(path: str) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if not isinstance(value, Condition):
            raise StageError(f"expected a condition, got {type(value).__name__}", path=path)
        on = compile(value).on
        if on not in (None, Lead):
            raise StageError(f"expected a condition on Lead, got one on {on.__name__}", path=path)

    return check


@attrs.frozen(slots=True)
class MqlRule:
    """When marketing qualifies a lead.

    A lead is an MQL when every threshold given holds — ``min_score`` (score ≥),
    ``min_grade`` (grade at least, ``"B"`` means B or better) and ``when`` (a fit
    condition on the lead) — or when ``or_when`` holds on its own (a hand-raise such as
    ``events("demo_request").exists()``). Give at least one of the four.

    >>> from leadkit.rules import events
    >>> MqlRule(min_score=100, min_grade="B", or_when=events("demo_request").exists())
    MqlRule(min_score=100, min_grade='B', when=None, or_when=EventExists(...))
    """

    min_score: int | float | Decimal | None = attrs.field(
        default=None, kw_only=True, validator=_number("MqlRule.min_score")
    )
    min_grade: str | None = attrs.field(default=None, kw_only=True, converter=_grade)
    when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("MqlRule.when")
    )
    or_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("MqlRule.or_when")
    )

    def __attrs_post_init__(self) -> None:
        if not self.has_fit_path and self.or_when is None:
            raise StageError(
                "an MQL rule needs min_score, min_grade, when or or_when", path="MqlRule"
            )

    @property
    def has_fit_path(self) -> bool:
        """True when the thresholds (score, grade, ``when``) can qualify a lead."""
        return not (self.min_score is None and self.min_grade is None and self.when is None)


def _positive(path: str, *, allow_zero: bool, maximum: int) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if allow_zero:
            finite_number(value, path=path, error=StageError, minimum=0, maximum=maximum)
        else:
            finite_number(value, path=path, error=StageError, above=0, maximum=maximum)

    return check


def _name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise StageError("a policy needs a non-empty name", path="StagePolicy.name")


def _mql(instance: object, attribute: attrs.Attribute[MqlRule], value: object) -> None:
    if not isinstance(value, MqlRule):
        raise StageError(f"expected an MqlRule, got {type(value).__name__}", path="StagePolicy.mql")


@attrs.frozen(slots=True)
class StagePolicy:
    """How leads are classified: the MQL rule, what else marks an SGL, what disqualifies
    a lead automatically, the service level and the hold after a recycle.

    - ``mql``: the :class:`MqlRule`.
    - ``sgl_when``: besides a lead source of the sales channel (テレアポ, 飛び込み, 紹介),
      a condition that marks a new lead as sales-generated.
    - ``disqualify_when``: a condition that disqualifies a lead automatically while
      marketing owns it (Inquiry, recycled, MQL) — a competitor's domain, a student.
    - ``accept_within_hours``: working hours sales has to accept or reject an MQL
      (see :func:`~leadkit.stages.overdue`); None for no service level.
    - ``requalify_after_days``: a recycled lead becomes an MQL again only after this many
      days, so that a rejected MQL does not bounce straight back.
    """

    mql: MqlRule = attrs.field(kw_only=True, validator=_mql)
    name: str = attrs.field(default="default", kw_only=True, validator=_name)
    sgl_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("StagePolicy.sgl_when")
    )
    disqualify_when: Condition | None = attrs.field(
        default=None, kw_only=True, validator=_condition("StagePolicy.disqualify_when")
    )
    accept_within_hours: int | float | Decimal | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_positive(
            "StagePolicy.accept_within_hours", allow_zero=False, maximum=24 * MAX_DAYS
        ),
    )
    requalify_after_days: int = attrs.field(
        default=30,
        kw_only=True,
        validator=_positive("StagePolicy.requalify_after_days", allow_zero=True, maximum=MAX_DAYS),
    )

    _prepared: dict[str, tuple[CompiledCondition, str]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        # Compile and print each condition once per policy, not once per lead.
        prepared = {
            name: (compile(condition), str(condition))
            for name, condition in (
                ("mql.when", self.mql.when),
                ("mql.or_when", self.mql.or_when),
                ("sgl.sgl_when", self.sgl_when),
                ("disqualify_when", self.disqualify_when),
            )
            if condition is not None
        }
        object.__setattr__(self, "_prepared", prepared)

    def prepared(self, rule: str) -> tuple[CompiledCondition, str]:
        """The compiled form and the text of one of the policy's conditions, by rule
        name (``mql.when``, ``mql.or_when``, ``sgl.sgl_when``, ``disqualify_when``)."""
        try:
            return self._prepared[rule]
        except KeyError:
            raise StageError(f"policy {self.name!r} has no condition {rule!r}") from None

    @property
    def actor(self) -> str:
        """Who automatic moves are recorded as: ``policy:<name>``."""
        return f"policy:{self.name}"


# ---------------------------------------------------------------------------------------------
# Plain data
# ---------------------------------------------------------------------------------------------


def _plain_number(value: int | float | Decimal) -> int | float | str:
    if isinstance(value, Decimal):
        return str(value)
    return value


def dump_stage_policy(policy: StagePolicy) -> dict[str, Any]:
    """The policy as JSON/TOML-compatible plain data; :func:`load_stage_policy` reads it."""
    if not isinstance(policy, StagePolicy):
        raise StageError(f"expected a StagePolicy, got {type(policy).__name__}", path="policy")
    mql: dict[str, Any] = {}
    if policy.mql.min_score is not None:
        mql["min_score"] = _plain_number(policy.mql.min_score)
    if policy.mql.min_grade is not None:
        mql["min_grade"] = policy.mql.min_grade
    for key in ("when", "or_when"):
        condition = getattr(policy.mql, key)
        if condition is not None:
            mql[key] = to_data(condition)
    data: dict[str, Any] = {"name": policy.name, "mql": mql}
    for key in ("sgl_when", "disqualify_when"):
        condition = getattr(policy, key)
        if condition is not None:
            data[key] = to_data(condition)
    if policy.accept_within_hours is not None:
        data["accept_within_hours"] = _plain_number(policy.accept_within_hours)
    data["requalify_after_days"] = policy.requalify_after_days
    return data


_POLICY_KEYS = (
    "name",
    "mql",
    "sgl_when",
    "disqualify_when",
    "accept_within_hours",
    "requalify_after_days",
)
_MQL_KEYS = ("min_score", "min_grade", "when", "or_when")


def _type_name(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)


class _Reader:
    def __init__(self, root: str) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def path(self, *parts: str) -> str:
        return ".".join(p for p in (self.root, *parts) if p)

    def keys(self, data: Mapping[str, Any], allowed: tuple[str, ...], *where: str) -> None:
        for key in data:
            if key not in allowed:
                self.problems.append(
                    Problem(
                        self.path(*where, str(key)),
                        f"unknown key; expected one of {', '.join(allowed)}",
                    )
                )

    def condition(self, data: Mapping[str, Any], key: str, *where: str) -> Condition | None:
        if key not in data:
            return None
        try:
            return from_data(data[key], on=Lead, path=self.path(*where, key))
        except LoadError as err:
            self.problems.extend(err.problems)
            return None

    def number(self, data: Mapping[str, Any], key: str, *where: str, integer: bool = False) -> Any:
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, str) and not integer:
            try:
                return Decimal(value)
            except ArithmeticError:
                pass
        allowed = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            what = "a whole number" if integer else "a number"
            self.problems.append(
                Problem(self.path(*where, key), f"expected {what}, got {_type_name(value)}")
            )
            return None
        return value


def _build(reader: _Reader, data: Mapping[str, Any]) -> StagePolicy | None:
    reader.keys(data, _POLICY_KEYS)
    kwargs: dict[str, Any] = {}
    name = data.get("name", "default")
    if not isinstance(name, str) or not name.strip():
        reader.problems.append(Problem(reader.path("name"), "expected a non-empty string"))
    kwargs["name"] = name
    raw_mql = data.get("mql")
    mql: MqlRule | None = None
    if raw_mql is None:
        reader.problems.append(Problem(reader.path("mql"), "required key is missing"))
    elif not isinstance(raw_mql, Mapping):
        reader.problems.append(
            Problem(reader.path("mql"), f"expected an object, got {_type_name(raw_mql)}")
        )
    else:
        reader.keys(raw_mql, _MQL_KEYS, "mql")
        grade = raw_mql.get("min_grade")
        if grade is not None:
            try:
                if not isinstance(grade, str):
                    raise StageError(f"expected a grade such as 'B+', got {_type_name(grade)}")
                grade = grade_letter(grade)
            except StageError as err:
                reader.problems.append(Problem(reader.path("mql", "min_grade"), err.message))
                grade = None
        rule = {
            "min_score": reader.number(raw_mql, "min_score", "mql"),
            "min_grade": grade,
            "when": reader.condition(raw_mql, "when", "mql"),
            "or_when": reader.condition(raw_mql, "or_when", "mql"),
        }
        if not reader.problems:
            try:
                mql = MqlRule(**rule)
            except StageError as err:
                key = format_path(err.path).removeprefix("MqlRule").lstrip(".")
                reader.problems.append(Problem(reader.path("mql", key), err.message))
    for key in ("sgl_when", "disqualify_when"):
        kwargs[key] = reader.condition(data, key)
    hours = reader.number(data, "accept_within_hours")
    if hours is not None and not hours > 0:
        reader.problems.append(Problem(reader.path("accept_within_hours"), "expected hours > 0"))
    kwargs["accept_within_hours"] = hours
    days = reader.number(data, "requalify_after_days", integer=True)
    if days is not None and days < 0:
        reader.problems.append(Problem(reader.path("requalify_after_days"), "expected days >= 0"))
    if days is not None:
        kwargs["requalify_after_days"] = days
    if reader.problems or mql is None:
        return None
    try:
        return StagePolicy(mql=mql, **kwargs)
    except StageError as err:
        key = format_path(err.path).removeprefix("StagePolicy").lstrip(".")
        reader.problems.append(Problem(reader.path(key), err.message))
        return None


def load_stage_policy(source: str | Path | Mapping[str, Any], *, path: str = "") -> StagePolicy:
    """Read a policy from a ``.toml`` / ``.json`` file or from plain data.

    Every problem is reported at once in a :class:`~leadkit.errors.LoadError`, each with
    the path of the bad key (``mql.or_when.events``, ``accept_within_hours``).

    >>> policy = load_stage_policy({"mql": {"min_score": 100, "min_grade": "B"},
    ...                             "accept_within_hours": 8})
    >>> policy.mql.min_grade, policy.accept_within_hours
    ('B', 8)
    """
    data = (
        load_data(source)
        if isinstance(source, str | Path)
        else check_plain(source, what="stage policy", where=path)
    )
    where = path or (str(source) if isinstance(source, str | Path) else "")
    reader = _Reader(path)
    if not isinstance(data, Mapping):
        raise LoadError(
            [Problem(where or "policy", f"expected an object, got {_type_name(data)}")],
            what="stage policy",
        )
    policy = _build(reader, data)
    if policy is None:
        raise LoadError(reader.problems or [Problem(where, "invalid policy")], what="stage policy")
    return policy
