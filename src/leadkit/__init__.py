"""leadkit: a typed Python SDK for lead management (リード管理).

Model leads, accounts, contacts and opportunities; score, grade, classify, route,
deduplicate and convert them, with every decision explaining itself. The most used
names are importable from here; each capability also has its own package
(:mod:`leadkit.model`, :mod:`leadkit.rules`, :mod:`leadkit.io` ...).

This package is lazy (PEP 562): ``import leadkit`` loads no capability package; each name
is imported from its home package on first use, and is the same object as there.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # What type checkers and IDEs see: the names, statically, from their home packages.
    # At run time they are imported on first use by ``__getattr__`` below (PEP 562);
    # tests/test_lazy.py checks that this block and ``_EXPORTS`` name the same things.
    from leadkit.convert import (
        ConversionRequest,
        ConversionResult,
        convert_lead,
        convert_leads,
    )
    from leadkit.dedupe import (
        ACCOUNT_RULE,
        CONTACT_RULE,
        LEAD_RULE,
        DuplicateBlockedError,
        DuplicateRule,
        DuplicateRuleSet,
        MatchIndex,
        MatchingRule,
        MergeResult,
        Survivorship,
        check_duplicates,
        find_duplicates,
        match_one,
        merge_accounts,
        merge_contacts,
        merge_leads,
    )
    from leadkit.errors import (
        ConcurrencyError,
        LeadkitError,
        LoadError,
        NotFoundError,
        ValidationError,
    )
    from leadkit.intake import IntakeForm, IntakeOutcome, IntakeResult
    from leadkit.io import dumps, loads, read_leads_csv, structure, unstructure, write_leads_csv
    from leadkit.model import (
        Account,
        Address,
        Campaign,
        CampaignMember,
        Contact,
        EngagementEvent,
        Event,
        EventKind,
        Lead,
        Money,
        Opportunity,
        OwnerRef,
        PersonName,
        Queue,
        Task,
        User,
    )
    from leadkit.repository import (
        InMemoryStore,
        InMemoryUnitOfWork,
        SqliteUnitOfWork,
        UnitOfWork,
    )
    from leadkit.routing import (
        AssignmentRules,
        CapacityBased,
        Caps,
        InMemoryState,
        LeastLoaded,
        Roster,
        RoundRobin,
        Router,
        RoutingDecision,
        RoutingError,
        RuleEntry,
        SqliteState,
        WeightedRoundRobin,
        load_assignment_rules,
    )
    from leadkit.rules import (
        Condition,
        RuleError,
        all_of,
        any_of,
        compile_condition,
        criteria,
        events,
        explain,
        field,
        prop,
    )
    from leadkit.sample import load_sample
    from leadkit.scoring import (
        Criterion,
        EventRule,
        Grade,
        GradeCard,
        GradingProfile,
        GradingScheme,
        Group,
        HalfLife,
        InactivityDecay,
        LinearDecay,
        ProfileRule,
        ScoreCard,
        ScoringModel,
        default_grading_profile,
        default_marketing_model,
        japanese_b2b_model,
        load_grading_profile,
        load_grading_scheme,
        load_scoring_model,
        priority_matrix,
    )
    from leadkit.stages import (
        FunnelReport,
        IllegalTransitionError,
        MqlRule,
        Stage,
        StageHistory,
        StagePolicy,
        Transition,
        WorkingCalendar,
        advance,
        classify,
        funnel,
        load_stage_policy,
        overdue,
    )

__version__ = "0.1.0"

__all__ = [
    "ACCOUNT_RULE",
    "CONTACT_RULE",
    "LEAD_RULE",
    "Account",
    "Address",
    "AssignmentRules",
    "Campaign",
    "CampaignMember",
    "CapacityBased",
    "Caps",
    "ConcurrencyError",
    "Condition",
    "Contact",
    "ConversionRequest",
    "ConversionResult",
    "Criterion",
    "DuplicateBlockedError",
    "DuplicateRule",
    "DuplicateRuleSet",
    "EngagementEvent",
    "Event",
    "EventKind",
    "EventRule",
    "FunnelReport",
    "Grade",
    "GradeCard",
    "GradingProfile",
    "GradingScheme",
    "Group",
    "HalfLife",
    "IllegalTransitionError",
    "InMemoryState",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "InactivityDecay",
    "IntakeForm",
    "IntakeOutcome",
    "IntakeResult",
    "Lead",
    "LeadkitError",
    "LeastLoaded",
    "LinearDecay",
    "LoadError",
    "MatchIndex",
    "MatchingRule",
    "MergeResult",
    "Money",
    "MqlRule",
    "NotFoundError",
    "Opportunity",
    "OwnerRef",
    "PersonName",
    "ProfileRule",
    "Queue",
    "Roster",
    "RoundRobin",
    "Router",
    "RoutingDecision",
    "RoutingError",
    "RuleEntry",
    "RuleError",
    "ScoreCard",
    "ScoringModel",
    "SqliteState",
    "SqliteUnitOfWork",
    "Stage",
    "StageHistory",
    "StagePolicy",
    "Survivorship",
    "Task",
    "Transition",
    "UnitOfWork",
    "User",
    "ValidationError",
    "WeightedRoundRobin",
    "WorkingCalendar",
    "__version__",
    "advance",
    "all_of",
    "any_of",
    "check_duplicates",
    "classify",
    "compile_condition",
    "convert_lead",
    "convert_leads",
    "criteria",
    "default_grading_profile",
    "default_marketing_model",
    "dumps",
    "events",
    "explain",
    "field",
    "find_duplicates",
    "funnel",
    "japanese_b2b_model",
    "load_assignment_rules",
    "load_grading_profile",
    "load_grading_scheme",
    "load_sample",
    "load_scoring_model",
    "load_stage_policy",
    "loads",
    "match_one",
    "merge_accounts",
    "merge_contacts",
    "merge_leads",
    "overdue",
    "priority_matrix",
    "prop",
    "read_leads_csv",
    "structure",
    "unstructure",
    "write_leads_csv",
]

# Where each name of ``__all__`` lives: subpackage (under ``leadkit.``) -> names.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "convert": (
        "ConversionRequest",
        "ConversionResult",
        "convert_lead",
        "convert_leads",
    ),
    "dedupe": (
        "ACCOUNT_RULE",
        "CONTACT_RULE",
        "LEAD_RULE",
        "DuplicateBlockedError",
        "DuplicateRule",
        "DuplicateRuleSet",
        "MatchIndex",
        "MatchingRule",
        "MergeResult",
        "Survivorship",
        "check_duplicates",
        "find_duplicates",
        "match_one",
        "merge_accounts",
        "merge_contacts",
        "merge_leads",
    ),
    "errors": (
        "ConcurrencyError",
        "LeadkitError",
        "LoadError",
        "NotFoundError",
        "ValidationError",
    ),
    "intake": (
        "IntakeForm",
        "IntakeOutcome",
        "IntakeResult",
    ),
    "io": (
        "dumps",
        "loads",
        "read_leads_csv",
        "structure",
        "unstructure",
        "write_leads_csv",
    ),
    "model": (
        "Account",
        "Address",
        "Campaign",
        "CampaignMember",
        "Contact",
        "EngagementEvent",
        "Event",
        "EventKind",
        "Lead",
        "Money",
        "Opportunity",
        "OwnerRef",
        "PersonName",
        "Queue",
        "Task",
        "User",
    ),
    "repository": (
        "InMemoryStore",
        "InMemoryUnitOfWork",
        "SqliteUnitOfWork",
        "UnitOfWork",
    ),
    "routing": (
        "AssignmentRules",
        "CapacityBased",
        "Caps",
        "InMemoryState",
        "LeastLoaded",
        "Roster",
        "RoundRobin",
        "Router",
        "RoutingDecision",
        "RoutingError",
        "RuleEntry",
        "SqliteState",
        "WeightedRoundRobin",
        "load_assignment_rules",
    ),
    "rules": (
        "Condition",
        "RuleError",
        "all_of",
        "any_of",
        "compile_condition",
        "criteria",
        "events",
        "explain",
        "field",
        "prop",
    ),
    "sample": ("load_sample",),
    "scoring": (
        "Criterion",
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
        "ScoreCard",
        "ScoringModel",
        "default_grading_profile",
        "default_marketing_model",
        "japanese_b2b_model",
        "load_grading_profile",
        "load_grading_scheme",
        "load_scoring_model",
        "priority_matrix",
    ),
    "stages": (
        "FunnelReport",
        "IllegalTransitionError",
        "MqlRule",
        "Stage",
        "StageHistory",
        "StagePolicy",
        "Transition",
        "WorkingCalendar",
        "advance",
        "classify",
        "funnel",
        "load_stage_policy",
        "overdue",
    ),
}

_HOME: dict[str, str] = {
    name: f"leadkit.{package}" for package, names in _EXPORTS.items() for name in names
}

# ``leadkit.intake`` is the intake package (issue 11), so the ``intake`` function is not a
# root name any more: call ``leadkit.intake.intake``.

# Subpackages reachable as attributes after a bare ``import leadkit`` (``leadkit.io``),
# as they were when this package imported them eagerly.
_SUBPACKAGES = frozenset(
    {
        "convert",
        "dedupe",
        "errors",
        "intake",
        "io",
        "model",
        "repository",
        "routing",
        "rules",
        "sample",
        "scoring",
        "stages",
    }
)


def _lazy_getattr(name: str) -> object:
    """Import ``name`` from its home subpackage on first use and keep it here (PEP 562)."""
    home = _HOME.get(name)
    if home is not None:
        value: object = getattr(importlib.import_module(home), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"leadkit.{name}")
    else:
        import difflib

        close = difflib.get_close_matches(name, [*__all__, *sorted(_SUBPACKAGES)], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"module 'leadkit' has no attribute {name!r}{hint}")
    globals()[name] = value
    return value


def _lazy_dir() -> list[str]:
    """Every public name and subpackage, imported or not, and the module's own attributes."""
    return sorted({*globals(), *__all__, *_SUBPACKAGES})


if not TYPE_CHECKING:
    # Hidden from type checkers, so that a misspelt ``leadkit.Laed`` is a static error
    # instead of an ``object`` typed through ``__getattr__``.
    __getattr__ = _lazy_getattr
    __dir__ = _lazy_dir
