"""The values a condition looked at, read off its explanation (for cards)."""

from __future__ import annotations

from leadkit.rules import Explanation, FieldRef

__all__ = ["event_ids_of", "seen_values"]


def seen_values(explanation: Explanation) -> tuple[tuple[str, object], ...]:
    """``(field, value)`` for every field the condition read, in order, once each."""
    seen: dict[str, object] = {}
    stack = [explanation]
    while stack:
        node = stack.pop()
        subject = getattr(node.condition, "subject", None)
        if isinstance(subject, FieldRef):
            seen.setdefault(subject.path, node.value)
        stack.extend(reversed(node.children))
    return tuple(seen.items())


def event_ids_of(explanation: Explanation) -> tuple[str, ...]:
    """The ids of the events any part of the condition matched, in order, once each."""
    ids: dict[str, None] = {}
    stack = [explanation]
    while stack:
        node = stack.pop()
        ids.update(dict.fromkeys(node.event_ids))
        stack.extend(reversed(node.children))
    return tuple(ids)
