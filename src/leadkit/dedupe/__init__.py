"""Duplicate management (名寄せ): matching rules, blocking, clusters, duplicate rules.

A :class:`MatchingRule` compares two records field by field (e-mail, phone, company key,
person names, dates, text, any key function) and combines the results by filter logic
(``"1 OR (2 AND 3)"``) or by a weighted score. Blocking keys keep the comparisons far
below all pairs. :func:`find_duplicates` groups a list of records into clusters whose
pairs carry their evidence; a :class:`MatchIndex` checks one new record at a time
(:func:`match_one`). Duplicate rules decide what a create or an edit does when matches
exist: allow, alert, or block.

Web-to-lead intake (the form, the rate limit, the outcome) lives in :mod:`leadkit.intake`;
its names are still importable from here as deprecated aliases.

Fuzzy comparisons use rapidfuzz, imported the first time a rule runs.
"""

from typing import TYPE_CHECKING

from leadkit.dedupe._blocking import BLOCK_PARTS, Block, KeyPart
from leadkit.dedupe._codec import (
    dump_duplicate_rules,
    dump_matching_rule,
    dump_survivorship,
    load_duplicate_rules,
    load_matching_rule,
    load_survivorship,
)
from leadkit.dedupe._comparator import Comparator, Scorer
from leadkit.dedupe._comparators import (
    CompanyMatch,
    ContactConflict,
    DateMatch,
    DomainMatch,
    EmailMatch,
    ExactMatch,
    FuzzyMatch,
    HierarchyConflict,
    KeyMatch,
    PhoneMatch,
)
from leadkit.dedupe._condition import ConditionMatch
from leadkit.dedupe._defaults import ACCOUNT_RULE, CONTACT_RULE, LEAD_RULE, LEAD_VS_CONTACT_RULE
from leadkit.dedupe._duplicate_rules import (
    DEFAULT_ACCOUNT_DUPLICATE_RULES,
    DEFAULT_CONTACT_DUPLICATE_RULES,
    DEFAULT_LEAD_DUPLICATE_RULES,
    DuplicateAction,
    DuplicateBlockedError,
    DuplicateCheck,
    DuplicateFinding,
    DuplicateRule,
    DuplicateRuleSet,
    Operation,
    check_duplicates,
)
from leadkit.dedupe._engine import MatchIndex, find_duplicates, match_one
from leadkit.dedupe._evidence import (
    Cluster,
    Duplicates,
    Evidence,
    FieldEvidence,
    MatchPair,
    SkippedBlock,
)
from leadkit.dedupe._fields import MatchContext, MatchRecord, read_field
from leadkit.dedupe._merge import (
    AlreadyMergedError,
    ConvertedLeadMergeError,
    MergeError,
    MergeResult,
    merge_accounts,
    merge_contacts,
    merge_leads,
)
from leadkit.dedupe._names import NameMatch, NamePart, ParsedName, parse_name, split_full_name
from leadkit.dedupe._rule import MatchingRule
from leadkit.dedupe._similarity import METRICS
from leadkit.dedupe._survivorship import (
    CONCATENATE,
    FIRST_NON_EMPTY,
    LONGEST,
    MASTER_WINS,
    MAXIMUM,
    MOST_RECENT,
    Concatenate,
    FieldDecision,
    FieldRule,
    FirstNonEmpty,
    Longest,
    MasterWins,
    Maximum,
    MostRecent,
    Survivorship,
)

__all__ = [
    "ACCOUNT_RULE",
    "BLOCK_PARTS",
    "CONCATENATE",
    "CONTACT_RULE",
    "DEFAULT_ACCOUNT_DUPLICATE_RULES",
    "DEFAULT_CONTACT_DUPLICATE_RULES",
    "DEFAULT_LEAD_DUPLICATE_RULES",
    "FIRST_NON_EMPTY",
    "LEAD_RULE",
    "LEAD_VS_CONTACT_RULE",
    "LONGEST",
    "MASTER_WINS",
    "MAXIMUM",
    "METRICS",
    "MOST_RECENT",
    "AlreadyMergedError",
    "Block",
    "Cluster",
    "CompanyMatch",
    "Comparator",
    "Concatenate",
    "ConditionMatch",
    "ContactConflict",
    "ConvertedLeadMergeError",
    "DateMatch",
    "DomainMatch",
    "DuplicateAction",
    "DuplicateBlockedError",
    "DuplicateCheck",
    "DuplicateFinding",
    "DuplicateRule",
    "DuplicateRuleSet",
    "Duplicates",
    "EmailMatch",
    "Evidence",
    "ExactMatch",
    "FieldDecision",
    "FieldEvidence",
    "FieldRule",
    "FirstNonEmpty",
    "FuzzyMatch",
    "HierarchyConflict",
    "KeyMatch",
    "KeyPart",
    "Longest",
    "MasterWins",
    "MatchContext",
    "MatchIndex",
    "MatchPair",
    "MatchRecord",
    "MatchingRule",
    "Maximum",
    "MergeError",
    "MergeResult",
    "MostRecent",
    "NameMatch",
    "NamePart",
    "Operation",
    "ParsedName",
    "PhoneMatch",
    "Scorer",
    "SkippedBlock",
    "Survivorship",
    "check_duplicates",
    "dump_duplicate_rules",
    "dump_matching_rule",
    "dump_survivorship",
    "find_duplicates",
    "load_duplicate_rules",
    "load_matching_rule",
    "load_survivorship",
    "match_one",
    "merge_accounts",
    "merge_contacts",
    "merge_leads",
    "parse_name",
    "read_field",
    "split_full_name",
]

# Deprecated: intake moved to ``leadkit.intake`` (issue 11). These names are still
# importable from here, resolved on first use (PEP 562), so that ``leadkit.dedupe`` does
# not import the intake package that depends on it.
_MOVED_TO_INTAKE = frozenset(
    {
        "DEFAULT_FORM_FIELDS",
        "LEAD_TARGETS",
        "InMemoryRateLimiter",
        "IntakeForm",
        "IntakeOutcome",
        "IntakeResult",
        "RateDecision",
        "RateLimiter",
        "SqliteRateLimiter",
        "Submission",
        "intake",
    }
)

if TYPE_CHECKING:
    from leadkit.errors import SurvivorshipError as SurvivorshipError
    from leadkit.intake import DEFAULT_FORM_FIELDS as DEFAULT_FORM_FIELDS
    from leadkit.intake import LEAD_TARGETS as LEAD_TARGETS
    from leadkit.intake import InMemoryRateLimiter as InMemoryRateLimiter
    from leadkit.intake import IntakeForm as IntakeForm
    from leadkit.intake import IntakeOutcome as IntakeOutcome
    from leadkit.intake import IntakeResult as IntakeResult
    from leadkit.intake import RateDecision as RateDecision
    from leadkit.intake import RateLimiter as RateLimiter
    from leadkit.intake import SqliteRateLimiter as SqliteRateLimiter
    from leadkit.intake import Submission as Submission
    from leadkit.intake import intake as intake
else:

    def __getattr__(name: str) -> object:
        """The intake names that moved to :mod:`leadkit.intake` (deprecated here)."""
        if name in _MOVED_TO_INTAKE:
            import leadkit.intake

            value: object = getattr(leadkit.intake, name)
            globals()[name] = value
            return value
        from leadkit.errors import folded_error  # SurvivorshipError, deprecated

        return folded_error(name, __name__)
