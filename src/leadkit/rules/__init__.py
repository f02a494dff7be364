"""The one condition language shared by scoring, grading, stages, routing and dedupe."""

from leadkit.rules._logic import (
    FilterLogicError,
    LogicAll,
    LogicAny,
    LogicNode,
    LogicNot,
    LogicRef,
    parse_filter_logic,
)

__all__ = [
    "FilterLogicError",
    "LogicAll",
    "LogicAny",
    "LogicNode",
    "LogicNot",
    "LogicRef",
    "parse_filter_logic",
]
