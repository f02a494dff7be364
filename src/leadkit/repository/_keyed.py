"""A transactional overlay on an in-memory ``dict``: what the in-memory enrolment and
outbox stores share with the rest of the in-memory adapter's rules.

Reads see this unit's writes first; commit (under the store's lock) refuses if a key this
unit read or wrote was changed by another unit since (compared by identity: committed
values are immutable), then applies the writes in the order they were made.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["KeyedOverlay"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Guard = Callable[[], None]


class KeyedOverlay(Generic[K, V]):
    """One unit of work's view of a committed ``dict`` (insertion-ordered)."""

    def __init__(self, committed: dict[K, V], guard: Guard) -> None:
        self.committed = committed
        self._guard = guard
        self.writes: dict[K, V] = {}
        self._seen: dict[K, V | None] = {}

    def get(self, key: K) -> V | None:
        self._guard()
        if key in self.writes:
            return self.writes[key]
        value = self.committed.get(key)
        self._seen.setdefault(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        self._guard()
        self._seen.setdefault(key, self.committed.get(key))
        self.writes[key] = value

    def values(self) -> list[V]:
        """Every value, committed ones first (in their order), then this unit's new ones."""
        self._guard()
        result: list[V] = []
        for key, value in list(self.committed.items()):
            self._seen.setdefault(key, value)
            result.append(self.writes.get(key, value))
        result.extend(v for k, v in self.writes.items() if k not in self.committed)
        return result

    def conflicts(self) -> list[K]:
        """Keys another unit changed after this one saw them (call under the lock)."""
        return [k for k, seen in self._seen.items() if self.committed.get(k) is not seen]

    def apply(self) -> None:
        """Write this unit's values into the committed dict (under the lock)."""
        self.committed.update(self.writes)

    def reset(self) -> None:
        self.writes.clear()
        self._seen.clear()
