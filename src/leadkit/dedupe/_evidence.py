"""What matching returns: per-field evidence, scored pairs, clusters of duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import attrs

__all__ = ["Cluster", "Duplicates", "Evidence", "FieldEvidence", "MatchPair", "SkippedBlock"]


def _show(value: object) -> str:
    if value is None:
        return "(blank)"
    return repr(value) if isinstance(value, str) else repr(str(value))


@attrs.frozen
class FieldEvidence:
    """One criterion of a rule applied to a pair: what was compared, how, and the result.

    ``similarity`` is None when a value is blank; ``points`` is set for rules that
    combine criteria by score (what the criterion added to or took off the score).
    """

    criterion: int
    field: str
    method: str
    left: object
    right: object
    similarity: float | None
    threshold: float
    held: bool
    points: float | None = None

    def __str__(self) -> str:
        mark = "✓" if self.held else "✗"
        if self.similarity is None:
            result = "both blank" if self.left is None and self.right is None else "blank"
        else:
            result = f"{self.similarity:.3f} (needs {self.threshold:.2f})"
        points = "" if self.points is None else f" [{self.points + 0.0:+.2f}]"
        return (
            f"{mark} {self.criterion}. {self.field} by {self.method}: "
            f"{_show(self.left)} vs {_show(self.right)} → {result}{points}"
        )


class Evidence(Sequence[FieldEvidence]):
    """The evidence of a pair, one :class:`FieldEvidence` per criterion, in criterion order.

    An immutable sequence that is built the first time it is read: a run that finds many
    pairs does not pay for explanations nobody looks at. It compares equal to a tuple of
    the same items and pickles as one.
    """

    __slots__ = ("_build", "_items")

    def __init__(self, build: Callable[[], tuple[FieldEvidence, ...]]) -> None:
        self._build: Callable[[], tuple[FieldEvidence, ...]] | None = build
        self._items: tuple[FieldEvidence, ...] | None = None

    def _get(self) -> tuple[FieldEvidence, ...]:
        items = self._items
        if items is None:
            assert self._build is not None
            items = self._items = self._build()
            self._build = None  # let the records go
        return items

    @overload
    def __getitem__(self, index: int) -> FieldEvidence: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[FieldEvidence, ...]: ...

    def __getitem__(self, index: int | slice) -> FieldEvidence | tuple[FieldEvidence, ...]:
        return self._get()[index]

    def __len__(self) -> int:
        return len(self._get())

    def __iter__(self) -> Iterator[FieldEvidence]:
        return iter(self._get())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Evidence):
            return self._get() == other._get()
        if isinstance(other, tuple):
            return self._get() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._get())

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._get(),))


@attrs.frozen
class MatchPair:
    """Two records compared by a rule: the score, whether they match, and why.

    ``left`` and ``right`` are record ids: in :func:`find_duplicates` ``left`` is the
    earlier record; in :func:`match_one` it is the record being checked. ``combined_by``
    says how the criteria were combined (the filter logic, or the score threshold).
    ``possible`` marks a pair that does not match but meets the rule's ``possible``
    logic: a possible duplicate for a person to decide.
    """

    left: str
    right: str
    matched: bool
    score: float
    rule: str
    combined_by: str
    evidence: Sequence[FieldEvidence]
    possible: bool = attrs.field(default=False, kw_only=True)

    @property
    def held(self) -> tuple[int, ...]:
        """Numbers of the criteria that held."""
        return tuple(item.criterion for item in self.evidence if item.held)

    def __str__(self) -> str:
        verdict = "match" if self.matched else "possible duplicate" if self.possible else "no match"
        head = (
            f"{self.left} ~ {self.right}: {verdict}, score {self.score:.3f}"
            f" (rule {self.rule!r}: {self.combined_by})"
        )
        return "\n".join([head, *(f"  {item}" for item in self.evidence)])


@attrs.frozen
class Cluster:
    """Records that are duplicates of each other, directly or through others (the
    transitive group), in input order, with the matching pairs that link them.

    ``notes`` say how the group was formed when it is not simply transitive: two records
    that contradict each other (different given names, conflicting contacts) are never
    joined through a third, and a matching pair left out for that reason is named.
    """

    ids: tuple[str, ...]
    pairs: tuple[MatchPair, ...]
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.ids

    def __str__(self) -> str:
        lines = [f"{len(self.ids)} records: {', '.join(self.ids)}"]
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.extend("  " + line for pair in self.pairs for line in str(pair).splitlines())
        return "\n".join(lines)


@attrs.frozen
class SkippedBlock:
    """A block too large to compare within (more records than ``max_block_size``).

    Its pairs were compared only where another block brought them together; raise the
    limit or choose a more selective block to cover them.
    """

    block: str
    key: str
    size: int

    def __str__(self) -> str:
        return f"block {self.block} = {self.key!r} has {self.size} records (skipped)"


@attrs.frozen
class Duplicates:
    """The result of :func:`find_duplicates`: clusters in input order, and how much work
    it took. Iterating yields the clusters. ``possible`` holds the pairs for a person to
    decide, kept out of the clusters: those the rule reports as possible duplicates (its
    ``possible`` logic, ``pair.possible``), and matching pairs left out of a cluster
    because their records contradict each other or another member (see
    :attr:`Cluster.notes`)."""

    clusters: tuple[Cluster, ...]
    records: int
    compared: int
    skipped_blocks: tuple[SkippedBlock, ...] = ()
    possible: tuple[MatchPair, ...] = ()

    @property
    def pairs(self) -> tuple[MatchPair, ...]:
        """Every matching pair, cluster by cluster."""
        return tuple(pair for cluster in self.clusters for pair in cluster.pairs)

    def cluster_of(self, record_id: str) -> Cluster | None:
        """The cluster holding *record_id*, or None when it has no duplicate."""
        return next((c for c in self.clusters if record_id in c.ids), None)

    def __iter__(self) -> Iterator[Cluster]:
        return iter(self.clusters)

    def __len__(self) -> int:
        return len(self.clusters)

    def __getitem__(self, index: int) -> Cluster:
        return self.clusters[index]

    def __str__(self) -> str:
        head = (
            f"{len(self.clusters)} cluster(s) among {self.records} records"
            f" ({self.compared} pairs compared)"
        )
        parts = [head, *(str(c) for c in self.clusters), *(str(s) for s in self.skipped_blocks)]
        return "\n".join(parts)
