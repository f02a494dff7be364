"""The fit x engagement matrix: a grade band (A, B, C, D) and a score band (1 .. 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from string import ascii_uppercase

from leadkit.model import Grade
from leadkit.scoring._card import ScoreCard
from leadkit.scoring._errors import scoring_error
from leadkit.scoring._grading import GradeCard

__all__ = ["DEFAULT_GRADE_BANDS", "DEFAULT_SCORE_BANDS", "priority_matrix"]

DEFAULT_GRADE_BANDS: tuple[Grade, ...] = (Grade.A_MINUS, Grade.B_MINUS, Grade.C_MINUS)
"""A for A- and better, B for B- and better, C for C- and better, D below."""

DEFAULT_SCORE_BANDS: tuple[float, ...] = (100.0, 50.0, 25.0)
"""1 for a score of 100 and more, 2 for 50 and more, 3 for 25 and more, 4 below."""


def priority_matrix(
    grade: Grade | str | GradeCard,
    score: float | ScoreCard,
    *,
    grade_bands: Sequence[Grade | str] = DEFAULT_GRADE_BANDS,
    score_bands: Sequence[float] = DEFAULT_SCORE_BANDS,
) -> str:
    """The cell of the fit x engagement matrix, from ``"A1"`` (best fit, most engaged)
    to ``"D4"``: a letter for the grade band, a number for the score band.

    ``grade_bands`` are the lowest grades of bands A, B, C ... (best first);
    ``score_bands`` the lowest scores of bands 1, 2, 3 ... (highest first). A lead below
    the last band gets the next letter or number.

    >>> from leadkit.scoring import Grade, priority_matrix
    >>> priority_matrix(Grade.A, 120), priority_matrix("B-", 60), priority_matrix("F", 0)
    ('A1', 'B2', 'D4')
    >>> priority_matrix("B", 30, grade_bands=["B"], score_bands=[50])
    'A2'
    """
    if isinstance(grade, GradeCard):
        grade = grade.grade
    if isinstance(score, ScoreCard):
        score = score.total
    grade = Grade.parse(grade)
    if isinstance(score, bool) or not isinstance(score, int | float) or math.isnan(score):
        raise scoring_error(f"a score is a number, got {score!r}", path="score")
    letters = _grade_bands(grade_bands)
    numbers = _score_bands(score_bands)
    letter = next((i for i, low in enumerate(letters) if grade >= low), len(letters))
    number = next((i for i, low in enumerate(numbers) if score >= low), len(numbers))
    return f"{ascii_uppercase[letter]}{number + 1}"


def _grade_bands(bands: Sequence[Grade | str]) -> list[Grade]:
    if isinstance(bands, str) or not isinstance(bands, Sequence) or not bands:
        raise scoring_error("grade_bands is a list of grades, best first", path="grade_bands")
    if len(bands) >= len(ascii_uppercase):
        raise scoring_error("at most 25 grade bands", path="grade_bands")
    grades = [Grade.parse(b) for b in bands]
    for index in range(1, len(grades)):
        if not grades[index] < grades[index - 1]:
            raise scoring_error(
                f"grade bands go from best to worst, but {grades[index]} follows "
                f"{grades[index - 1]}",
                path=f"grade_bands[{index}]",
            )
    return grades


def _score_bands(bands: Sequence[float]) -> list[float]:
    if isinstance(bands, str) or not isinstance(bands, Sequence) or not bands:
        raise scoring_error("score_bands is a list of scores, highest first", path="score_bands")
    numbers: list[float] = []
    for index, low in enumerate(bands):
        if isinstance(low, bool) or not isinstance(low, int | float) or math.isnan(low):
            raise scoring_error(f"expected a number, got {low!r}", path=f"score_bands[{index}]")
        if numbers and not low < numbers[-1]:
            raise scoring_error(
                f"score bands go from highest to lowest, but {low} follows {numbers[-1]}",
                path=f"score_bands[{index}]",
            )
        numbers.append(float(low))
    return numbers
