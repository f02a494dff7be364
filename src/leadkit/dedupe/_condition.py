"""A matching criterion written in the condition language.

Field comparators ask "are these two values alike?"; some rules also need "is each
record of a kind?": both leads in 関東, both still open, either one from a trade show.
:class:`ConditionMatch` asks that with any condition of :mod:`leadkit.rules`, compiled
once, evaluated once per record, at an explicit ``as_of`` (never the wall clock).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any, Literal

import attrs

from leadkit._checks import aware_datetime
from leadkit.dedupe._comparator import Scorer, check_bool, check_points
from leadkit.dedupe._fields import MatchContext
from leadkit.errors import ValidationError
from leadkit.rules import CompiledCondition, Condition, compile_condition

__all__ = ["ConditionMatch"]


def _check_condition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Condition):
        raise ValidationError(
            f"expected a condition such as field('address.region') == '関東', got {value!r}",
            path="ConditionMatch.condition",
        )


def _check_as_of(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    aware_datetime(value, path=("ConditionMatch", "as_of"))


def _check_require(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("both", "either"):
        raise ValidationError(
            f"must be 'both' or 'either', got {value!r}", path="ConditionMatch.require"
        )


def _both(left: object, right: object) -> float:
    return 1.0 if left is True and right is True else 0.0


def _either(left: object, right: object) -> float:
    return 1.0 if left is True or right is True else 0.0


@attrs.frozen
class ConditionMatch:
    """Holds when ``condition`` is true of both records (``require="both"``, the default)
    or of at least one (``require="either"``).

    A record whose verdict is unknown (the condition reads a missing value) or that is not
    of the condition's record type is blank: it moves nothing, unless ``match_blank``.

    >>> from datetime import datetime, UTC
    >>> from leadkit.dedupe import ConditionMatch
    >>> from leadkit.rules import field
    >>> both_in_kanto = ConditionMatch(field("address.region") == "関東",
    ...                                as_of=datetime(2026, 5, 1, tzinfo=UTC))
    >>> both_in_kanto.field, both_in_kanto.method
    ("address.region == '関東'", 'condition (both)')
    """

    condition: Condition = attrs.field(validator=_check_condition)
    as_of: datetime = attrs.field(validator=_check_as_of, kw_only=True)
    require: Literal["both", "either"] = attrs.field(
        default="both", validator=_check_require, kw_only=True
    )
    weight: float = attrs.field(default=1.0, validator=check_points, kw_only=True)
    penalty: float = attrs.field(default=0.0, validator=check_points, kw_only=True)
    match_blank: bool = attrs.field(default=False, validator=check_bool, kw_only=True)
    _compiled: CompiledCondition = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_compiled", compile_condition(self.condition))

    @property
    def field(self) -> str:
        """The condition as it reads: shown in evidence."""
        return str(self.condition)

    @property
    def method(self) -> str:
        """``"condition (both)"`` or ``"condition (either)"``."""
        return f"condition ({self.require})"

    @property
    def threshold(self) -> float:
        """Always 1.0: the condition holds as required or not."""
        return 1.0

    def value(self, record: Any, context: MatchContext) -> object:
        """The condition's verdict for *record*: True, False or None (unknown)."""
        return self.key(record, context)

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """True or False; None when unknown or when *record* is of another type."""
        compiled = self._compiled
        if compiled.on is not None and not isinstance(record, compiled.on):
            return None
        return compiled.known(record, (), as_of=self.as_of)

    def scorer(self) -> Scorer:
        """1.0 when both (or either) verdicts are true."""
        return _both if self.require == "both" else _either
