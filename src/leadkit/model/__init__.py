"""The domain model: entities, value objects, catalogues, ids and text normalisation.

This package imports nothing else of leadkit (except :mod:`leadkit.errors`); everything
else builds on it.
"""

from typing import TYPE_CHECKING

from leadkit.model._batch import EventBatch, build_many
from leadkit.model._catalogues import (
    DEFAULT_CATALOGUES,
    DEFAULT_SOURCES,
    DEFAULT_STATUS_POLICY,
    DEFAULT_STATUSES,
    Catalogues,
    Channel,
    LeadSource,
    LeadStatus,
    SourceCatalogue,
    StatusCatalogue,
    StatusEvent,
    StatusPolicy,
    active_catalogues,
    active_sources,
    active_statuses,
    use_catalogues,
)
from leadkit.model._entities import (
    Account,
    Activity,
    Campaign,
    CampaignMember,
    CampaignStatus,
    Contact,
    EngagementEvent,
    Event,
    EventKind,
    Lead,
    LeadConversion,
    Opportunity,
    Priority,
    Queue,
    Rating,
    Task,
    TaskStatus,
    User,
    completed_activities,
    open_activities,
)
from leadkit.model._fields import is_required
from leadkit.model._grade import Grade
from leadkit.model._ids import IdFactory, new_id, random_ids, sequential_ids, use_id_factory
from leadkit.model._normalise import (
    FREE_MAIL_DOMAINS,
    company_key,
    contains_japanese,
    email_domain,
    email_key,
    is_free_mail,
    normalise_text,
    phone_key,
    phone_sections,
    website_domain,
)
from leadkit.model._picklists import (
    DEFAULT_ACTIVITY_OUTCOMES,
    DEFAULT_OPPORTUNITY_STAGES,
    DEFAULT_REJECTION_REASONS,
    ActivityOutcome,
    ActivityType,
    OpportunityStage,
    OpportunityStageCatalogue,
    OutcomeCatalogue,
    ReasonCatalogue,
    RejectionReason,
)
from leadkit.model._prefectures import (
    PREFECTURES,
    Prefecture,
    Region,
    find_prefecture,
    parse_prefecture,
    region_of,
)
from leadkit.model._values import (
    Address,
    CustomFields,
    CustomValue,
    Money,
    NameOrder,
    OwnerKind,
    OwnerRef,
    PersonName,
    is_empty,
)

__all__ = [
    "DEFAULT_ACTIVITY_OUTCOMES",
    "DEFAULT_CATALOGUES",
    "DEFAULT_OPPORTUNITY_STAGES",
    "DEFAULT_REJECTION_REASONS",
    "DEFAULT_SOURCES",
    "DEFAULT_STATUSES",
    "DEFAULT_STATUS_POLICY",
    "FREE_MAIL_DOMAINS",
    "PREFECTURES",
    "Account",
    "Activity",
    "ActivityOutcome",
    "ActivityType",
    "Address",
    "Campaign",
    "CampaignMember",
    "CampaignStatus",
    "Catalogues",
    "Channel",
    "Contact",
    "CustomFields",
    "CustomValue",
    "EngagementEvent",
    "Event",
    "EventBatch",
    "EventKind",
    "Grade",
    "IdFactory",
    "Lead",
    "LeadConversion",
    "LeadSource",
    "LeadStatus",
    "Money",
    "NameOrder",
    "Opportunity",
    "OpportunityStage",
    "OpportunityStageCatalogue",
    "OutcomeCatalogue",
    "OwnerKind",
    "OwnerRef",
    "PersonName",
    "Prefecture",
    "Priority",
    "Queue",
    "Rating",
    "ReasonCatalogue",
    "Region",
    "RejectionReason",
    "SourceCatalogue",
    "StatusCatalogue",
    "StatusEvent",
    "StatusPolicy",
    "Task",
    "TaskStatus",
    "User",
    "active_catalogues",
    "active_sources",
    "active_statuses",
    "build_many",
    "company_key",
    "completed_activities",
    "contains_japanese",
    "email_domain",
    "email_key",
    "find_prefecture",
    "is_empty",
    "is_free_mail",
    "is_required",
    "new_id",
    "normalise_text",
    "open_activities",
    "parse_prefecture",
    "phone_key",
    "phone_sections",
    "random_ids",
    "region_of",
    "sequential_ids",
    "use_catalogues",
    "use_id_factory",
    "website_domain",
]


# Deprecated: former code-only subclasses of ValidationError, now ValidationError itself
# with a code (see leadkit.errors.FOLDED_CODES); resolved with a DeprecationWarning.
if TYPE_CHECKING:
    from leadkit.errors import ConvertingStatusError as ConvertingStatusError
    from leadkit.errors import UnknownStatusError as UnknownStatusError
else:

    def __getattr__(name: str) -> object:
        from leadkit.errors import folded_error

        return folded_error(name, __name__)
