"""Storage behind typed protocols: repositories and the unit of work (取引の単位).

Domain code (conversion, merge, intake, routing) is written against the protocols
(:class:`UnitOfWork`, :class:`LeadRepository`, ...); two adapters implement them:

* :class:`InMemoryUnitOfWork` over an :class:`InMemoryStore` — the default, for notebooks
  and tests;
* :class:`SqliteUnitOfWork` — a SQLite file (WAL, one ``BEGIN IMMEDIATE`` transaction per
  unit of work, optimistic concurrency on ``version``);
* :class:`PostgresUnitOfWork` — a PostgreSQL database (``leadkit[postgres]``, psycopg 3;
  one ``SERIALIZABLE`` transaction per unit of work), imported only when first used.

:mod:`leadkit.testing.contract` is the test suite an adapter must pass; run it against
your own (SQLAlchemy, Django, a REST API) to know it behaves like these two.
"""

from typing import TYPE_CHECKING, Any

from leadkit.repository._errors import (
    DuplicateIdError,
    LeadReadOnlyError,
    SchemaVersionError,
    UnitOfWorkStateError,
)
from leadkit.repository._memory import InMemoryStore, InMemoryUnitOfWork
from leadkit.repository._pending import (
    PendingQueueRepository,
    PendingQueueUnitOfWork,
    PendingSubmission,
)
from leadkit.repository._protocols import (
    AccountRepository,
    ActivityRepository,
    CampaignMemberRepository,
    CampaignRepository,
    ContactRepository,
    EngagementEventRepository,
    EnrolmentRepository,
    EventRepository,
    LeadRepository,
    OpportunityRepository,
    OutboxRepository,
    QueueRepository,
    RateLimitRepository,
    Record,
    Repository,
    RoutingDecisionRepository,
    RoutingStateRepository,
    StageHistoryRepository,
    TaskRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
    VisitorRepository,
)
from leadkit.repository._schema import TABLES, TableSpec, website_domain
from leadkit.repository._sqlite import SCHEMA_VERSION as STORE_SCHEMA_VERSION
from leadkit.repository._sqlite import SqliteUnitOfWork

if TYPE_CHECKING:
    from leadkit.repository._postgres import PostgresUnitOfWork


__all__ = [
    "STORE_SCHEMA_VERSION",
    "TABLES",
    "AccountRepository",
    "ActivityRepository",
    "CampaignMemberRepository",
    "CampaignRepository",
    "ContactRepository",
    "DuplicateIdError",
    "EngagementEventRepository",
    "EnrolmentRepository",
    "EventRepository",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "LeadReadOnlyError",
    "LeadRepository",
    "OpportunityRepository",
    "OutboxRepository",
    "PendingQueueRepository",
    "PendingQueueUnitOfWork",
    "PendingSubmission",
    "PostgresUnitOfWork",
    "QueueRepository",
    "RateLimitRepository",
    "Record",
    "Repository",
    "RoutingDecisionRepository",
    "RoutingStateRepository",
    "SchemaVersionError",
    "SqliteUnitOfWork",
    "StageHistoryRepository",
    "TableSpec",
    "TaskRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UnitOfWorkStateError",
    "UserRepository",
    "VisitorRepository",
    "website_domain",
]


# Deprecated names (issue 11: one name per concept across namespaces).
_RENAMED = {"SCHEMA_VERSION": "STORE_SCHEMA_VERSION"}

if TYPE_CHECKING:
    SCHEMA_VERSION = STORE_SCHEMA_VERSION
else:
    from leadkit._deprecation import module_getattr

    _renamed = module_getattr(__name__, _RENAMED)

    def __getattr__(name: str) -> Any:
        # The PostgreSQL adapter's module is loaded on first use only (``import leadkit``
        # stays light; psycopg itself is imported when a unit of work is made).
        if name == "PostgresUnitOfWork":
            from leadkit.repository._postgres import PostgresUnitOfWork

            return PostgresUnitOfWork
        return _renamed(name)
