"""leadkit: a typed Python SDK for lead management (リード管理).

Model leads, accounts, contacts and opportunities; score, grade, classify, route,
deduplicate and convert them, with every decision explaining itself. The most used
names are importable from here; each capability also has its own package
(:mod:`leadkit.model`, :mod:`leadkit.rules`, :mod:`leadkit.io` ...).
"""

from leadkit.errors import ConcurrencyError, LeadkitError, LoadError, NotFoundError, ValidationError
from leadkit.io import dumps, loads, structure, unstructure
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

__version__ = "0.1.0"

__all__ = [
    "Account",
    "Address",
    "Campaign",
    "CampaignMember",
    "ConcurrencyError",
    "Condition",
    "Contact",
    "EngagementEvent",
    "Event",
    "EventKind",
    "Lead",
    "LeadkitError",
    "LoadError",
    "Money",
    "NotFoundError",
    "Opportunity",
    "OwnerRef",
    "PersonName",
    "Queue",
    "RuleError",
    "Task",
    "User",
    "ValidationError",
    "__version__",
    "all_of",
    "any_of",
    "compile_condition",
    "criteria",
    "dumps",
    "events",
    "explain",
    "field",
    "loads",
    "prop",
    "structure",
    "unstructure",
]
