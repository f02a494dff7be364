"""Lead routing: ordered assignment rules, round robin, weighted and capacity-based
distribution, with explanations.

>>> from datetime import datetime, UTC
>>> from leadkit.model import Address, Lead, OwnerRef, PersonName, User
>>> from leadkit.routing import (AssignmentRules, InMemoryState, RoundRobin, Roster,
...     Router, RuleEntry, in_region)
>>> rules = AssignmentRules(
...     [RuleEntry(in_region("関東"), RoundRobin(["u-1", "u-2"]), name="Kanto team")],
...     default_owner=OwnerRef.queue("inbound"),
... )
>>> team = Roster([User(id="u-1", name="佐藤"), User(id="u-2", name="鈴木")])
>>> router = Router(rules, roster=team)
>>> state = InMemoryState()
>>> lead = Lead(name=PersonName("山田"), company="ABC", address=Address(state="東京都"),
...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
>>> at = datetime(2026, 4, 1, 3, tzinfo=UTC)
>>> [str(router.route(lead, as_of=at, state=state).owner) for _ in range(3)]
['user:u-1', 'user:u-2', 'user:u-1']
"""

from typing import TYPE_CHECKING

from leadkit.routing._availability import Availability, Leave, Roster, WorkingHours
from leadkit.routing._load import (
    dump_assignment_rules,
    dump_availability,
    dump_team_availability,
    load_assignment_rules,
    load_availability,
    load_team_availability,
)
from leadkit.routing._reassign import (
    Claim,
    Reassignment,
    ReassignmentPlan,
    apply_reassignment,
    claim_next,
    is_open_lead,
    plan_reassignment,
    release_closed,
    release_if_closed,
)
from leadkit.routing._record import RecordedDecision, SkippedNote
from leadkit.routing._router import MatchedEntry, Router, RoutingDecision, SkippedEntry
from leadkit.routing._rules import AssignmentRules, AssignmentTarget, RuleEntry
from leadkit.routing._sqlite import SqliteState
from leadkit.routing._state import (
    InMemoryState,
    RoutingState,
    StateTransaction,
    UnitOfWorkState,
)
from leadkit.routing._strategies import (
    AccountOwner,
    CapacityBased,
    Caps,
    LeastLoaded,
    MemberNote,
    RoundRobin,
    Strategy,
    StrategyReasoning,
    WeightedRoundRobin,
    account_owners,
)
from leadkit.routing._territory import (
    COMPANY_SIZE_BANDS,
    Bands,
    in_country,
    in_prefecture,
    in_region,
    postal_code_between,
    product_interest,
)
from leadkit.rules import IndexStats

__all__ = [
    "COMPANY_SIZE_BANDS",
    "AccountOwner",
    "AssignmentRules",
    "AssignmentTarget",
    "Availability",
    "Bands",
    "CapacityBased",
    "Caps",
    "Claim",
    "InMemoryState",
    "IndexStats",
    "LeastLoaded",
    "Leave",
    "MatchedEntry",
    "MemberNote",
    "Reassignment",
    "ReassignmentPlan",
    "RecordedDecision",
    "Roster",
    "RoundRobin",
    "Router",
    "RoutingDecision",
    "RoutingState",
    "RuleEntry",
    "SkippedEntry",
    "SkippedNote",
    "SqliteState",
    "StateTransaction",
    "Strategy",
    "StrategyReasoning",
    "UnitOfWorkState",
    "WeightedRoundRobin",
    "WorkingHours",
    "account_owners",
    "apply_reassignment",
    "claim_next",
    "dump_assignment_rules",
    "dump_availability",
    "dump_team_availability",
    "in_country",
    "in_prefecture",
    "in_region",
    "is_open_lead",
    "load_assignment_rules",
    "load_availability",
    "load_team_availability",
    "plan_reassignment",
    "postal_code_between",
    "product_interest",
    "release_closed",
    "release_if_closed",
]


# Deprecated: ``Target`` is ``AssignmentTarget`` (convert has a ``ConversionTarget``), and
# former code-only subclasses of ValidationError, now ValidationError itself
# with a code (see leadkit.errors.FOLDED_CODES); resolved with a DeprecationWarning.
_RENAMED = {"Target": "AssignmentTarget"}

if TYPE_CHECKING:
    from leadkit.errors import RoutingError as RoutingError

    Target = AssignmentTarget
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, _RENAMED)
