"""Lifecycle stages: Inquiry, MQL, SAL, SGL, SQL — classification, transitions, history,
service levels and the funnel.

>>> from datetime import datetime, UTC
>>> from leadkit.model import Lead, PersonName
>>> from leadkit.rules import events
>>> from leadkit.stages import MqlRule, StagePolicy, classify
>>> policy = StagePolicy(mql=MqlRule(min_score=100, min_grade="B",
...                                  or_when=events("demo_request").exists()))
>>> lead = Lead(id="lead-1", name=PersonName("佐藤"), company="ABC", lead_source="Web",
...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
>>> result = classify(lead, score=120, grade="B+", policy=policy,
...                   as_of=datetime(2026, 4, 2, tzinfo=UTC))
>>> result.stage, [t.to_stage.label for t in result.proposed]
(<Stage.MQL: 'mql'>, ['Inquiry', 'MQL'])
"""

from typing import TYPE_CHECKING

from leadkit.errors import IllegalTransitionError
from leadkit.stages._calendar import WorkingCalendar
from leadkit.stages._classify import Classification, Reason, ScoreLike, advance, classify
from leadkit.stages._funnel import (
    ConversionRate,
    FunnelPath,
    FunnelReport,
    FunnelRow,
    GroupBy,
    Velocity,
    funnel,
)
from leadkit.stages._history import (
    TRANSITIONS,
    Qualification,
    StageHistory,
    Stay,
    Transition,
    accept,
    disqualify,
    mark_lost,
    mark_won,
    qualify,
    recycle,
    reject,
    transition,
)
from leadkit.stages._policy import MqlRule, StagePolicy
from leadkit.stages._serial import (
    dump_calendar,
    dump_stage_policy,
    load_calendar,
    load_stage_policy,
)
from leadkit.stages._sla import SlaBreach, overdue
from leadkit.stages._stage import GRADE_LADDER, Stage, grade_rank

__all__ = [
    "GRADE_LADDER",
    "TRANSITIONS",
    "Classification",
    "ConversionRate",
    "FunnelPath",
    "FunnelReport",
    "FunnelRow",
    "GroupBy",
    "IllegalTransitionError",
    "MqlRule",
    "Qualification",
    "Reason",
    "ScoreLike",
    "SlaBreach",
    "Stage",
    "StageHistory",
    "StagePolicy",
    "Stay",
    "Transition",
    "Velocity",
    "WorkingCalendar",
    "accept",
    "advance",
    "classify",
    "disqualify",
    "dump_calendar",
    "dump_stage_policy",
    "funnel",
    "grade_rank",
    "load_calendar",
    "load_stage_policy",
    "mark_lost",
    "mark_won",
    "overdue",
    "qualify",
    "recycle",
    "reject",
    "transition",
]


# Deprecated: former code-only subclasses of ValidationError, now ValidationError itself
# with a code (see leadkit.errors.FOLDED_CODES); resolved with a DeprecationWarning.
if TYPE_CHECKING:
    from leadkit.errors import StageError as StageError
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, {})
