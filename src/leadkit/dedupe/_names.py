"""Person names: Jaro-Winkler on family and given names, initials, transposition, kana."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Literal

import attrs

from leadkit.dedupe._comparator import (
    Scorer,
    check_unit,
    field_option,
    flag,
    metric_name,
    points,
)
from leadkit.dedupe._fields import MatchContext, read_field
from leadkit.dedupe._keys import initial_key, kana_key, name_key, person_name
from leadkit.dedupe._similarity import metric
from leadkit.errors import ValidationError

__all__ = ["NameMatch", "NamePart"]


# ---------------------------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------------------------

NamePart = Literal["full", "family", "given", "initial"]
_NAME_PARTS = ("full", "family", "given", "initial")


def _is_initial(text: str) -> bool:
    # Only Latin initials: a one-character Japanese given name (健, 誠) is a whole name.
    return len(text) == 1 and text.isascii()


def _name_part(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _NAME_PARTS:
        raise ValidationError(
            f"unknown name part {value!r}; expected one of {', '.join(_NAME_PARTS)}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _default_name_threshold(instance: NameMatch) -> float:
    return 1.0 if instance.part == "initial" else 0.9


@attrs.frozen
class NameMatch:
    """Person names (a :class:`~leadkit.model.PersonName` field), compared by ``part``.

    * ``"full"``: family and given names by Jaro-Winkler, averaged. ``initials`` lets
      ``"J."`` match ``"John"``; ``transposition`` lets given and family names swap
      (``太郎 山田`` typed the wrong way round); with one given name missing the family
      names decide, or the whole names run together (``"山田太郎"`` in the family field).
    * ``"family"`` or ``"given"``: that part alone (a missing given name is blank).
    * ``"initial"``: the first letter of the given name, in Latin script. Other scripts
      have no initials: there the first kana of the readings decides when both records
      have one (一郎 and 一朗 read イチロウ; 大翔 ヒロト is not 大輔 ダイスケ), else the whole
      given name.

    With ``kana`` the readings (フリガナ, hiragana or katakana) are compared too when both
    records have them, and the better similarity counts: 髙橋 and 高橋 read タカハシ alike.
    Parts are compared without spaces and punctuation (``"O'Brien"`` = ``"OBRIEN"``).

    >>> from leadkit.dedupe import NameMatch
    >>> from leadkit.model import PersonName
    >>> rule = NameMatch()
    >>> score = rule.scorer()
    >>> score(rule.name_key(PersonName("Smith", "J.")), rule.name_key(PersonName("Smith", "John")))
    1.0
    >>> score(rule.name_key(PersonName("太郎", "山田")), rule.name_key(PersonName("山田", "太郎")))
    1.0
    """

    field: str = field_option("name")
    part: NamePart = attrs.field(default="full", validator=_name_part, kw_only=True)
    metric: str = attrs.field(default="jaro_winkler", validator=metric_name, kw_only=True)
    threshold: float = attrs.field(
        default=attrs.Factory(_default_name_threshold, takes_self=True),
        validator=check_unit,
        kw_only=True,
    )
    initials: bool = flag(True)
    transposition: bool = flag(True)
    kana: bool = flag(True)
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"initial"``, or the metric with the part: ``"jaro_winkler(family)"``."""
        return "initial" if self.part == "initial" else f"{self.metric}({self.part})"

    def value(self, record: Any, context: MatchContext) -> object:
        """The part compared, as stored: the display name for ``"full"``, else the family
        or given name (with its reading when there is one)."""
        name = person_name(read_field(record, self.field, context), self.field)
        if name is None or self.part == "full":
            return None if name is None else name.display
        written: str | None = name.family if self.part == "family" else name.given
        reading = name.family_kana if self.part == "family" else name.given_kana
        return f"{written} ({reading})" if written and reading else written

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The name part(s) as keys."""
        name = person_name(read_field(record, self.field, context), self.field)
        return None if name is None else self.name_key(name)

    def name_key(self, name: Any) -> Hashable | None:
        """The key of a PersonName for this comparator's part (None when blank)."""
        family = name_key(name.family)
        given = name_key(name.given) if name.given else None
        part = self.part
        if part == "initial":
            if not given:
                return None
            reading = kana_key(name.given_kana) if self.kana else None
            return initial_key(given), reading[0] if reading else None
        if part == "given":
            return None if given is None else (given, kana_key(name.given_kana))
        if family is None:
            return None
        if part == "family":
            return family, kana_key(name.family_kana)
        return family, given, kana_key(name.family_kana), kana_key(name.given_kana)

    def scorer(self) -> Scorer:
        """The similarity of two keys of this part."""
        similarity = metric(self.metric)
        kana = self.kana
        initials = self.initials
        transposition = self.transposition

        def pair(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            score = similarity(left, right)
            if kana and left_kana and right_kana and score < 1.0:
                score = max(score, similarity(left_kana, right_kana))
            return score

        def given(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            if initials and (_is_initial(left) or _is_initial(right)):
                return 1.0 if left[0] == right[0] else 0.0
            return pair(left, right, left_kana, right_kana)

        def part_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return pair(left[0], right[0], left[1], right[1])

        def given_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return given(left[0], right[0], left[1], right[1])

        def full(left: tuple[Any, ...], right: tuple[Any, ...]) -> float:
            family_a, given_a, family_kana_a, given_kana_a = left
            family_b, given_b, family_kana_b, given_kana_b = right
            family_score = pair(family_a, family_b, family_kana_a, family_kana_b)
            if given_a is not None and given_b is not None:
                score = (family_score + given(given_a, given_b, given_kana_a, given_kana_b)) / 2
                if transposition and score < 1.0:
                    swapped = (similarity(family_a, given_b) + similarity(given_a, family_b)) / 2
                    score = max(score, swapped)
                return score
            if given_a is None and given_b is None:
                return family_score
            # One given name is missing: the family names decide, or the whole names run
            # together (a full name typed into the family name field).
            forms_a = _whole_forms(family_a, given_a, transposition)
            forms_b = _whole_forms(family_b, given_b, transposition)
            whole = max(similarity(a, b) for a in forms_a for b in forms_b)
            return max(family_score, whole)

        if self.part == "initial":
            return _initial_score
        if self.part == "family":
            return part_score
        if self.part == "given":
            return given_score
        return full


def _initial_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
    # Readings decide when both records have one: 一郎 and 一朗 both read イチロウ.
    if left[1] is not None and right[1] is not None:
        return 1.0 if left[1] == right[1] else 0.0
    return 1.0 if left[0] == right[0] else 0.0


def _whole_forms(family: str, given: str | None, transposition: bool) -> tuple[str, ...]:
    if given is None:
        return (family,)
    return (family + given, given + family) if transposition else (family + given,)
