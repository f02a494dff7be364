"""Scoring (engagement) and grading (fit): models as data, explained results, batches.

A :class:`ScoringModel` adds points for engagement events and profile matches, with
caps, groups and decay; ``score`` explains one lead, ``score_many`` scores many fast.
A :class:`GradingProfile` grades fit from A+ to F; :func:`priority_matrix` combines both
into the familiar A1..D4 matrix. Models and profiles load from TOML and JSON.

>>> from datetime import datetime, UTC
>>> from leadkit.model import Lead, PersonName
>>> from leadkit.scoring import default_grading_profile, default_marketing_model, priority_matrix
>>> lead = Lead(name=PersonName("山田"), company="ABC", title="営業部長", employees=1200,
...             email="yamada@abc.co.jp", created_at=datetime(2026, 4, 1, tzinfo=UTC))
>>> now = datetime(2026, 5, 1, tzinfo=UTC)
>>> score = default_marketing_model().score(lead, [], as_of=now).total
>>> grade = default_grading_profile().grade(lead, as_of=now).grade
>>> score, str(grade), priority_matrix(grade, score)
(0.0, 'B-', 'B4')
"""

from typing import TYPE_CHECKING

from leadkit.model import Grade
from leadkit.scoring._card import Contribution, ScoreCard
from leadkit.scoring._data import (
    load_grading_profile,
    load_grading_scheme,
    load_scoring_model,
)
from leadkit.scoring._decay import Decay, HalfLife, InactivityDecay, LinearDecay
from leadkit.scoring._grading import (
    Criterion,
    CriterionResult,
    GradeCard,
    GradingProfile,
    GradingScheme,
)
from leadkit.scoring._matrix import DEFAULT_GRADE_BANDS, DEFAULT_SCORE_BANDS, priority_matrix
from leadkit.scoring._model import ScoringModel
from leadkit.scoring._rules import EventRule, Group, ProfileRule, Rule
from leadkit.scoring._shipped_models import (
    default_grading_profile,
    default_marketing_model,
    japanese_b2b_model,
)

__all__ = [
    "DEFAULT_GRADE_BANDS",
    "DEFAULT_SCORE_BANDS",
    "Contribution",
    "Criterion",
    "CriterionResult",
    "Decay",
    "EventRule",
    "Grade",
    "GradeCard",
    "GradingProfile",
    "GradingScheme",
    "Group",
    "HalfLife",
    "InactivityDecay",
    "LinearDecay",
    "ProfileRule",
    "Rule",
    "ScoreCard",
    "ScoringModel",
    "default_grading_profile",
    "default_marketing_model",
    "japanese_b2b_model",
    "load_grading_profile",
    "load_grading_scheme",
    "load_scoring_model",
    "priority_matrix",
]


# Deprecated: former code-only subclasses of ValidationError, now ValidationError itself
# with a code (see leadkit.errors.FOLDED_CODES); resolved with a DeprecationWarning.
if TYPE_CHECKING:
    from leadkit.errors import ScoringError as ScoringError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
