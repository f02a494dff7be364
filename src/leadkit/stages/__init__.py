"""Lifecycle stages: Inquiry, MQL, SAL, SGL, SQL — classification, transitions, history,
service levels. (The funnel moved to :mod:`leadkit.reports`.)

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
from leadkit.stages._history import (
    TRANSITIONS,
    Qualification,
    StageHistory,
    StatusChange,
    Stay,
    Transition,
    accept,
    apply_status,
    disqualify,
    mark_lost,
    mark_won,
    qualify,
    record_activity,
    recycle,
    reject,
    set_status,
    transition,
)
from leadkit.stages._holidays import NEW_YEAR_BREAK, japanese_calendar, japanese_holidays
from leadkit.stages._policy import MqlRule, StagePolicy
from leadkit.stages._save import save_status
from leadkit.stages._serial import (
    dump_calendar,
    dump_stage_policy,
    load_calendar,
    load_stage_policy,
)
from leadkit.stages._sla import SlaBreach, overdue
from leadkit.stages._stage import GRADE_LADDER, Stage, grade_rank
from leadkit.stages._stored import store_classification, store_move

__all__ = [
    "GRADE_LADDER",
    "NEW_YEAR_BREAK",
    "TRANSITIONS",
    "Classification",
    "IllegalTransitionError",
    "MqlRule",
    "Qualification",
    "Reason",
    "ScoreLike",
    "SlaBreach",
    "Stage",
    "StageHistory",
    "StagePolicy",
    "StatusChange",
    "Stay",
    "Transition",
    "WorkingCalendar",
    "accept",
    "advance",
    "apply_status",
    "classify",
    "disqualify",
    "dump_calendar",
    "dump_stage_policy",
    "grade_rank",
    "japanese_calendar",
    "japanese_holidays",
    "load_calendar",
    "load_stage_policy",
    "mark_lost",
    "mark_won",
    "overdue",
    "qualify",
    "record_activity",
    "recycle",
    "reject",
    "save_status",
    "set_status",
    "store_classification",
    "store_move",
    "transition",
]

# Deprecated: the funnel report moved to ``leadkit.reports`` (issue 11). These names are
# still importable from here, with a DeprecationWarning, resolved on first use (PEP 562)
# so that ``leadkit.stages`` does not import ``leadkit.reports``, which sits above it.
_MOVED_TO_REPORTS = frozenset(
    {"ConversionRate", "FunnelPath", "FunnelReport", "FunnelRow", "GroupBy", "Velocity", "funnel"}
)

# Deprecated too: former code-only subclasses of ValidationError, now ValidationError
# itself with a code (see leadkit.errors.FOLDED_CODES).
if TYPE_CHECKING:
    from leadkit.errors import StageError as StageError
    from leadkit.reports import ConversionRate as ConversionRate
    from leadkit.reports import FunnelPath as FunnelPath
    from leadkit.reports import FunnelReport as FunnelReport
    from leadkit.reports import FunnelRow as FunnelRow
    from leadkit.reports import GroupBy as GroupBy
    from leadkit.reports import Velocity as Velocity
    from leadkit.reports import funnel as funnel
else:
    from leadkit._deprecation import module_getattr

    _folded = module_getattr(__name__, {})

    def __getattr__(name: str) -> object:
        """The funnel names that moved to :mod:`leadkit.reports` (deprecated here)."""
        if name in _MOVED_TO_REPORTS:
            import warnings

            import leadkit.reports

            warnings.warn(
                f"leadkit.stages.{name} moved; import it from its package:"
                f" from leadkit.reports import {name}",
                DeprecationWarning,
                stacklevel=2,
            )
            # Not kept in the module, so that every use warns, as the first one did.
            value: object = getattr(leadkit.reports, name)
            return value
        return _folded(name)
