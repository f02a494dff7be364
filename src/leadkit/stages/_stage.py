"""The lifecycle stages of the demand waterfall and the grade ladder policies compare with."""

from __future__ import annotations

import enum

from leadkit.errors import ValidationError
from leadkit.model import Grade
from leadkit.stages._errors import stage_error

__all__ = ["GRADE_LADDER", "Stage", "grade_rank"]


class Stage(enum.Enum):
    """A lead's lifecycle stage.

    The waterfall stages are Inquiry, MQL, SAL, SGL and SQL; recycled (back to nurturing)
    is a side stage; disqualified, won and lost close the lead (disqualified and lost can
    still be recycled).

    >>> Stage.parse("mql") is Stage.MQL, str(Stage.SQL), Stage.SGL.label_ja
    (True, 'SQL', 'セールス・ジェネレーテッド・リード')
    """

    INQUIRY = "inquiry"
    MQL = "mql"
    SAL = "sal"
    SGL = "sgl"
    SQL = "sql"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"
    WON = "won"
    LOST = "lost"

    # Members are singletons: identity hashing is correct and several times faster than
    # Enum's default (a Python-level hash of the name), which funnels over many
    # histories feel.
    __hash__ = object.__hash__

    @property
    def label(self) -> str:
        """The English label: ``Inquiry``, ``MQL``, ... ``won``."""
        return _LABELS[self][0]

    @property
    def label_ja(self) -> str:
        """The Japanese label: ``問い合わせ``, ``マーケティング・クオリファイド・リード`` ..."""
        return _LABELS[self][1]

    @property
    def is_closed(self) -> bool:
        """True for disqualified, won and lost: no automatic move leaves them."""
        return self in (Stage.DISQUALIFIED, Stage.WON, Stage.LOST)

    @classmethod
    def parse(cls, text: str | Stage) -> Stage:
        """The stage named ``text`` (value or label, any case): ``"MQL"``, ``"won"``."""
        if isinstance(text, Stage):
            return text
        if isinstance(text, str):
            key = text.strip().lower()
            for stage in cls:
                if key in (stage.value, stage.label.lower()):
                    return stage
        names = ", ".join(s.value for s in cls)
        raise stage_error(f"unknown stage {text!r}; expected one of {names}")

    def __str__(self) -> str:
        return self.label


_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.INQUIRY: ("Inquiry", "問い合わせ"),
    Stage.MQL: ("MQL", "マーケティング・クオリファイド・リード"),
    Stage.SAL: ("SAL", "セールス・アクセプテッド・リード"),
    Stage.SGL: ("SGL", "セールス・ジェネレーテッド・リード"),
    Stage.SQL: ("SQL", "セールス・クオリファイド・リード"),
    Stage.RECYCLED: ("recycled", "リサイクル"),
    Stage.DISQUALIFIED: ("disqualified", "失格"),
    Stage.WON: ("won", "受注"),
    Stage.LOST: ("lost", "失注"),
}

GRADE_LADDER: tuple[str, ...] = tuple(str(grade) for grade in reversed(Grade))
"""The 13 grades from best to worst, a third of a letter apart (:class:`~leadkit.model.Grade`)."""


def _grade(grade: object) -> Grade | None:
    if isinstance(grade, Grade):
        return grade
    candidates: list[object] = [grade]
    if not isinstance(grade, str):
        inner = getattr(grade, "grade", None)  # a grade card carries its grade
        for holder in (grade,) if inner is None else (grade, inner):
            if isinstance(holder, Grade):
                return holder
            candidates += [getattr(holder, "value", None), getattr(holder, "letter", None)]
            candidates.append(str(holder))
    for candidate in candidates:
        if isinstance(candidate, str):
            try:
                return Grade.parse(candidate)
            except ValidationError:
                continue
    return None


def grade_rank(grade: object, *, path: str = "grade") -> int:
    """The rank of a grade on the ladder: 12 for A+ down to 0 for F (higher is better).

    ``grade`` is a :class:`~leadkit.model.Grade`, its letter as text (read by
    :meth:`Grade.parse <leadkit.model.Grade.parse>`: ``"B+"``, ``"A−"`` with a
    typographic minus), any object whose ``value`` or ``str()`` is such a letter, or an
    object whose ``grade`` is one, such as a scoring ``GradeCard``.

    >>> grade_rank("A+"), grade_rank("b"), grade_rank("F"), grade_rank("B—")
    (12, 8, 0, 7)
    """
    found = _grade(grade)
    if found is None:
        raise stage_error(
            f"{grade!r} is not a grade; expected one of {' '.join(GRADE_LADDER)}",
            path=path,
        )
    return found.rank


def grade_letter(grade: object, *, path: str = "grade") -> str:
    """The canonical letter of ``grade`` (``"A-"``), checked against the ladder."""
    return GRADE_LADDER[len(GRADE_LADDER) - 1 - grade_rank(grade, path=path)]
