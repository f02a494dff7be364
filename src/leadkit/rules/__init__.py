"""The one condition language shared by scoring, grading, stages, routing and dedupe.

Build conditions from fields, event aggregates and combinators; they are checked against
the model when built, print as they read, compare, serialise to plain data, compile once
to fast closures, and explain their verdicts.

>>> from datetime import datetime, UTC
>>> from leadkit.model import Lead, PersonName
>>> from leadkit.rules import compile, field
>>> rule = (field("employees") >= 1000) & field("title").contains_any(["部長", "Director"])
>>> str(rule)
"employees >= 1000 AND title contains any ['部長', 'Director']"
>>> lead = Lead(name=PersonName("山田"), company="ABC", title="営業部長", employees=1200,
...             created_at=datetime(2026, 4, 1, tzinfo=UTC))
>>> compile(rule)(lead, as_of=datetime(2026, 5, 1, tzinfo=UTC))
True

``compile`` is also available as ``compile_condition``, for modules that would rather not
shadow the built-in ``compile``.
"""

from typing import TYPE_CHECKING

from leadkit.rules._compile import (
    CompiledCondition,
    EventFilter,
    EventMatcher,
    compile_condition,
    compile_event_filter,
)
from leadkit.rules._compile import compile_condition as compile
from leadkit.rules._data import (
    RULE_SCHEMA_VERSION,
    dump_condition,
    from_data,
    load_condition,
    to_data,
)
from leadkit.rules._dnf import FirstMatchIndex, IndexStats
from leadkit.rules._errors import RuleError
from leadkit.rules._explain import Explanation, explain
from leadkit.rules._expr import Expr, all_of, any_of, criteria, events, field, prop, rate
from leadkit.rules._grammar import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    Condition,
    Criteria,
    EventCount,
    EventDifference,
    EventExists,
    EventLast,
    EventQuery,
    EventRatio,
    EventSum,
    FieldRef,
    IsIn,
    Matches,
    Not,
    Presence,
    PropRef,
    Subject,
    TextMatch,
    Window,
    check_top_level,
    event_queries,
    info_of,
    record_type,
)
from leadkit.rules._logic import (
    FilterLogicError,
    LogicAll,
    LogicAny,
    LogicNode,
    LogicNot,
    LogicRef,
    fold_logic,
    parse_filter_logic,
)
from leadkit.rules._period import Period
from leadkit.rules._schema import Kind, ValueInfo

__all__ = [
    "RULE_SCHEMA_VERSION",
    "AllOf",
    "AnyOf",
    "Between",
    "Compare",
    "CompiledCondition",
    "Condition",
    "Criteria",
    "EventCount",
    "EventDifference",
    "EventExists",
    "EventFilter",
    "EventLast",
    "EventMatcher",
    "EventQuery",
    "EventRatio",
    "EventSum",
    "Explanation",
    "Expr",
    "FieldRef",
    "FilterLogicError",
    "FirstMatchIndex",
    "IndexStats",
    "IsIn",
    "Kind",
    "LogicAll",
    "LogicAny",
    "LogicNode",
    "LogicNot",
    "LogicRef",
    "Matches",
    "Not",
    "Period",
    "Presence",
    "PropRef",
    "RuleError",
    "Subject",
    "TextMatch",
    "ValueInfo",
    "Window",
    "all_of",
    "any_of",
    "check_top_level",
    "compile",
    "compile_condition",
    "compile_event_filter",
    "criteria",
    "dump_condition",
    "event_queries",
    "events",
    "explain",
    "field",
    "fold_logic",
    "from_data",
    "info_of",
    "load_condition",
    "parse_filter_logic",
    "prop",
    "rate",
    "record_type",
    "to_data",
]


# Deprecated names (issue 11: one name per concept across namespaces).
_RENAMED = {"SCHEMA_VERSION": "RULE_SCHEMA_VERSION"}

if TYPE_CHECKING:
    SCHEMA_VERSION = RULE_SCHEMA_VERSION
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, _RENAMED)
