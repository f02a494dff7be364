"""Grades: A+ to F in 13 steps of a third of a letter, ordered and clamped.

The one grade type of leadkit: scoring grades leads with it and stage policies compare
with it (``stages.grade_rank`` is ``Grade.parse(...).rank``)."""

from __future__ import annotations

import enum
import unicodedata
from typing import overload

from leadkit.errors import PathLike, ValidationError

__all__ = ["Grade"]


class Grade(enum.Enum):
    """A profile grade (fit), from ``F`` (worst) to ``A+`` (best), a third of a letter
    apart. Grades compare by rank, and adding or subtracting thirds stays within A+..F.

    >>> from leadkit.model import Grade
    >>> Grade.parse("b+") > Grade.B, str(Grade.D + 2), str(Grade.A + 5), str(Grade.D - 9)
    (True, 'C-', 'A+', 'F')
    >>> Grade.parse("A-") - Grade.parse("B"), [str(g) for g in Grade][:4]
    (2, ['F', 'D-', 'D', 'D+'])
    """

    F = "F"
    D_MINUS = "D-"
    D = "D"
    D_PLUS = "D+"
    C_MINUS = "C-"
    C = "C"
    C_PLUS = "C+"
    B_MINUS = "B-"
    B = "B"
    B_PLUS = "B+"
    A_MINUS = "A-"
    A = "A"
    A_PLUS = "A+"

    @property
    def rank(self) -> int:
        """0 for F up to 12 for A+."""
        return _RANK[self]

    @property
    def letter(self) -> str:
        """The letter without its sign: ``"B"`` for B+, B and B-."""
        return str(self.value)[0]

    @classmethod
    def from_rank(cls, rank: int) -> Grade:
        """The grade of ``rank`` (0 = F ... 12 = A+), clamped to that range."""
        if isinstance(rank, bool) or not isinstance(rank, int):
            raise ValidationError(
                f"a grade rank is a whole number, got {rank!r}", path="rank", code="bad_grade"
            )
        return _BY_RANK[min(12, max(0, rank))]

    @classmethod
    def parse(cls, text: str | Grade, *, path: PathLike = "grade") -> Grade:
        """Read ``"B+"``, ``"b+"``, ``"Ｂ＋"`` or ``"A−"`` as a grade.

        Full-width forms fold by NFKC; the typographic minus (−), the en dash (–) and the
        em dash (—) all read as a minus. A bad value is a ``ValidationError`` with code
        ``bad_grade`` at ``path``.

        >>> Grade.parse("B—"), Grade.parse(" ａ－ ")
        (<Grade.B_MINUS: 'B-'>, <Grade.A_MINUS: 'A-'>)
        """
        if isinstance(text, Grade):
            return text
        if not isinstance(text, str):
            raise ValidationError(
                f"a grade is text such as 'B+', got {text!r}", path=path, code="bad_grade"
            )
        key = unicodedata.normalize("NFKC", text).strip().translate(_SIGNS).upper()
        grade = _BY_TEXT.get(key)
        if grade is None:
            raise ValidationError(
                f"{text!r} is not a grade; expected one of {', '.join(_BY_TEXT)}",
                path=path,
                code="bad_grade",
            )
        return grade

    def __str__(self) -> str:
        return str(self.value)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return _RANK[self] < _RANK[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return _RANK[self] <= _RANK[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return _RANK[self] > _RANK[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Grade):
            return NotImplemented
        return _RANK[self] >= _RANK[other]

    def __add__(self, thirds: int) -> Grade:
        if isinstance(thirds, bool) or not isinstance(thirds, int):
            return NotImplemented
        return _BY_RANK[min(12, max(0, _RANK[self] + thirds))]

    __radd__ = __add__

    @overload
    def __sub__(self, other: int) -> Grade: ...

    @overload
    def __sub__(self, other: Grade) -> int: ...

    def __sub__(self, other: int | Grade) -> Grade | int:
        """``grade - 2`` moves down two thirds (clamped); ``grade - grade`` is the
        distance in thirds."""
        if isinstance(other, Grade):
            return _RANK[self] - _RANK[other]
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return _BY_RANK[min(12, max(0, _RANK[self] - other))]


_BY_RANK: tuple[Grade, ...] = tuple(Grade)
_RANK: dict[Grade, int] = {grade: rank for rank, grade in enumerate(_BY_RANK)}
_BY_TEXT: dict[str, Grade] = {grade.value: grade for grade in reversed(_BY_RANK)}
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})
