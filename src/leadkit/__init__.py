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
        convert_lead,
    )
    from leadkit.dedupe import (
        find_duplicates,
        merge_leads,
    )
    from leadkit.errors import (
        LeadkitError,
        LoadError,
        ValidationError,
    )
    from leadkit.io import (
        dumps,
        loads,
        read_leads_csv,
        write_leads_csv,
    )
    from leadkit.model import (
        Account,
        Contact,
        EngagementEvent,
        Lead,
        Money,
        Opportunity,
        PersonName,
    )
    from leadkit.reports import (
        funnel,
    )
    from leadkit.repository import (
        InMemoryUnitOfWork,
        SqliteUnitOfWork,
    )
    from leadkit.routing import (
        Router,
        load_assignment_rules,
    )
    from leadkit.rules import (
        Condition,
        all_of,
        any_of,
        events,
        explain,
        field,
    )
    from leadkit.sample import (
        load_sample,
    )
    from leadkit.scoring import (
        GradingProfile,
        ScoringModel,
        default_grading_profile,
        default_marketing_model,
        load_grading_profile,
        load_scoring_model,
    )
    from leadkit.stages import (
        StagePolicy,
        classify,
    )

if TYPE_CHECKING:
    # Deprecated at the top level (still importable, with a DeprecationWarning at run
    # time): import them from their packages. Re-exported (``X as X``) to type checkers
    # for now, so that typed code written against 0.1 keeps checking.
    from leadkit.convert import (  # noqa: I001 (one block per package, as above)
        ConversionResult as ConversionResult,
        convert_leads as convert_leads,
    )
    from leadkit.dedupe import (
        ACCOUNT_RULE as ACCOUNT_RULE,
        CONTACT_RULE as CONTACT_RULE,
        LEAD_RULE as LEAD_RULE,
        DuplicateBlockedError as DuplicateBlockedError,
        DuplicateRule as DuplicateRule,
        DuplicateRuleSet as DuplicateRuleSet,
        MatchIndex as MatchIndex,
        MatchingRule as MatchingRule,
        MergeResult as MergeResult,
        Survivorship as Survivorship,
        check_duplicates as check_duplicates,
        match_one as match_one,
        merge_accounts as merge_accounts,
        merge_contacts as merge_contacts,
    )
    from leadkit.errors import (
        ConcurrencyError as ConcurrencyError,
        NotFoundError as NotFoundError,
    )
    from leadkit.intake import (
        IntakeForm as IntakeForm,
        IntakeOutcome as IntakeOutcome,
        IntakeResult as IntakeResult,
    )
    from leadkit.io import (
        structure as structure,
        unstructure as unstructure,
    )
    from leadkit.model import (
        Address as Address,
        Campaign as Campaign,
        CampaignMember as CampaignMember,
        Event as Event,
        EventKind as EventKind,
        OwnerRef as OwnerRef,
        Queue as Queue,
        Task as Task,
        User as User,
    )
    from leadkit.repository import (
        InMemoryStore as InMemoryStore,
        UnitOfWork as UnitOfWork,
    )
    from leadkit.routing import (
        AssignmentRules as AssignmentRules,
        CapacityBased as CapacityBased,
        Caps as Caps,
        InMemoryState as InMemoryState,
        LeastLoaded as LeastLoaded,
        Roster as Roster,
        RoundRobin as RoundRobin,
        RoutingDecision as RoutingDecision,
        RoutingError as RoutingError,
        RuleEntry as RuleEntry,
        SqliteState as SqliteState,
        WeightedRoundRobin as WeightedRoundRobin,
    )
    from leadkit.rules import (
        RuleError as RuleError,
        compile_condition as compile_condition,
        criteria as criteria,
        prop as prop,
    )
    from leadkit.scoring import (
        Criterion as Criterion,
        EventRule as EventRule,
        Grade as Grade,
        GradeCard as GradeCard,
        GradingScheme as GradingScheme,
        Group as Group,
        HalfLife as HalfLife,
        InactivityDecay as InactivityDecay,
        LinearDecay as LinearDecay,
        ProfileRule as ProfileRule,
        ScoreCard as ScoreCard,
        japanese_b2b_model as japanese_b2b_model,
        load_grading_scheme as load_grading_scheme,
        priority_matrix as priority_matrix,
    )
    from leadkit.reports import (
        FunnelReport as FunnelReport,
    )
    from leadkit.stages import (
        IllegalTransitionError as IllegalTransitionError,
        MqlRule as MqlRule,
        Stage as Stage,
        StageHistory as StageHistory,
        Transition as Transition,
        WorkingCalendar as WorkingCalendar,
        advance as advance,
        load_stage_policy as load_stage_policy,
        overdue as overdue,
    )

__version__ = "0.1.0"

__all__ = [
    "Account",
    "Condition",
    "Contact",
    "ConversionRequest",
    "EngagementEvent",
    "GradingProfile",
    "InMemoryUnitOfWork",
    "Lead",
    "LeadkitError",
    "LoadError",
    "Money",
    "Opportunity",
    "PersonName",
    "Router",
    "ScoringModel",
    "SqliteUnitOfWork",
    "StagePolicy",
    "ValidationError",
    "__version__",
    "all_of",
    "any_of",
    "classify",
    "convert_lead",
    "default_grading_profile",
    "default_marketing_model",
    "dumps",
    "events",
    "explain",
    "field",
    "find_duplicates",
    "funnel",
    "load_assignment_rules",
    "load_grading_profile",
    "load_sample",
    "load_scoring_model",
    "loads",
    "merge_leads",
    "read_leads_csv",
    "write_leads_csv",
]

# Where each name of ``__all__`` lives: subpackage (under ``leadkit.``) -> names.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "convert": (
        "ConversionRequest",
        "convert_lead",
    ),
    "dedupe": (
        "find_duplicates",
        "merge_leads",
    ),
    "errors": (
        "LeadkitError",
        "LoadError",
        "ValidationError",
    ),
    "io": (
        "dumps",
        "loads",
        "read_leads_csv",
        "write_leads_csv",
    ),
    "model": (
        "Account",
        "Contact",
        "EngagementEvent",
        "Lead",
        "Money",
        "Opportunity",
        "PersonName",
    ),
    "reports": ("funnel",),
    "repository": (
        "InMemoryUnitOfWork",
        "SqliteUnitOfWork",
    ),
    "routing": (
        "Router",
        "load_assignment_rules",
    ),
    "rules": (
        "Condition",
        "all_of",
        "any_of",
        "events",
        "explain",
        "field",
    ),
    "sample": ("load_sample",),
    "scoring": (
        "GradingProfile",
        "ScoringModel",
        "default_grading_profile",
        "default_marketing_model",
        "load_grading_profile",
        "load_scoring_model",
    ),
    "stages": (
        "StagePolicy",
        "classify",
    ),
}

# Names the root exported before 0.2, now deprecated there: the package each lives in.
# ``leadkit.X`` still works for them, with a DeprecationWarning naming the package.
_DEPRECATED: dict[str, tuple[str, ...]] = {
    "convert": (
        "ConversionResult",
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
        "match_one",
        "merge_accounts",
        "merge_contacts",
    ),
    "errors": (
        "ConcurrencyError",
        "NotFoundError",
    ),
    "intake": (
        "IntakeForm",
        "IntakeOutcome",
        "IntakeResult",
    ),
    "io": (
        "structure",
        "unstructure",
    ),
    "model": (
        "Address",
        "Campaign",
        "CampaignMember",
        "Event",
        "EventKind",
        "OwnerRef",
        "Queue",
        "Task",
        "User",
    ),
    "repository": (
        "InMemoryStore",
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
        "RoutingDecision",
        "RoutingError",
        "RuleEntry",
        "SqliteState",
        "WeightedRoundRobin",
    ),
    "rules": (
        "RuleError",
        "compile_condition",
        "criteria",
        "prop",
    ),
    "scoring": (
        "Criterion",
        "EventRule",
        "Grade",
        "GradeCard",
        "GradingScheme",
        "Group",
        "HalfLife",
        "InactivityDecay",
        "LinearDecay",
        "ProfileRule",
        "ScoreCard",
        "japanese_b2b_model",
        "load_grading_scheme",
        "priority_matrix",
    ),
    "reports": ("FunnelReport",),
    "stages": (
        "IllegalTransitionError",
        "MqlRule",
        "Stage",
        "StageHistory",
        "Transition",
        "WorkingCalendar",
        "advance",
        "load_stage_policy",
        "overdue",
    ),
}

_HOME: dict[str, str] = {
    name: f"leadkit.{package}" for package, names in _EXPORTS.items() for name in names
}
_DEPRECATED_HOME: dict[str, str] = {
    name: f"leadkit.{package}" for package, names in _DEPRECATED.items() for name in names
}

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
        "predict",
        "reports",
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
    elif name in _DEPRECATED_HOME:
        import warnings

        home = _DEPRECATED_HOME[name]
        warnings.warn(
            f"leadkit.{name} is deprecated at the top level and will be removed from it;"
            f" import it from its package: from {home} import {name}",
            DeprecationWarning,
            stacklevel=2,
        )
        # Not kept in the module, so that every use warns, as the first one did.
        return getattr(importlib.import_module(home), name)
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
