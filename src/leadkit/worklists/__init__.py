"""The inside-sales working day: first-response tracking against a service level,
worklists saved as data and run by the repository, and the next action for a rep.

See the "Worklists and the next action" page of the docs.
"""

from leadkit.worklists._bulk import (
    BulkReport,
    BulkResult,
    add_to_campaign,
    bulk_reassign,
    change_status,
    transfer_owner,
)
from leadkit.worklists._next import (
    HOT_PRIORITIES,
    next_action,
    rep_next_actions,
    stored_next_actions,
)
from leadkit.worklists._response import (
    FirstResponse,
    ResponseSla,
    assignment_times,
    done_at,
    first_responses,
    stored_first_responses,
)
from leadkit.worklists._run import WorklistPage, run_worklist
from leadkit.worklists._worklist import (
    BUILTIN_WORKLISTS,
    PRIORITY_FIELD,
    STAGE_EVENT,
    SortKey,
    Worklist,
    activity_events,
    dump_worklist,
    load_worklist,
    stage_event,
)

__all__ = [
    "BUILTIN_WORKLISTS",
    "HOT_PRIORITIES",
    "PRIORITY_FIELD",
    "STAGE_EVENT",
    "BulkReport",
    "BulkResult",
    "FirstResponse",
    "ResponseSla",
    "SortKey",
    "Worklist",
    "WorklistPage",
    "activity_events",
    "add_to_campaign",
    "assignment_times",
    "bulk_reassign",
    "change_status",
    "done_at",
    "dump_worklist",
    "first_responses",
    "load_worklist",
    "next_action",
    "rep_next_actions",
    "run_worklist",
    "stage_event",
    "stored_first_responses",
    "stored_next_actions",
    "transfer_owner",
]
