"""Finding duplicates: an index of prepared records, pair generation by blocks, clusters.

Each record's keys (one per criterion and one per block) are computed once when it enters
a :class:`MatchIndex`; comparing a pair then only looks up keys and calls the scorers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from leadkit.dedupe._blocking import block_layout, part_recipe
from leadkit.dedupe._evidence import Cluster, Duplicates, MatchPair, SkippedBlock
from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._prepare import compile_keys
from leadkit.dedupe._rule import CompiledRule, MatchingRule, Row
from leadkit.errors import ValidationError, format_path

__all__ = ["MatchIndex", "find_duplicates", "match_one"]


def _record_id(record: object, where: str) -> str:
    record_id = getattr(record, "id", None)
    if not isinstance(record_id, str) or not record_id:
        raise ValidationError(
            f"expected a lead, contact or account with an id, got {type(record).__name__}",
            path=where,
        )
    return record_id


class MatchIndex:
    """Records prepared for matching under one rule: keys computed once, blocks indexed.

    Build it once from the existing records, then check each new record with
    :func:`match_one` (or :meth:`match`) without rescanning; :meth:`add` and
    :meth:`remove` keep it current as records are created, edited and merged.

    Records merged into another (``master_record_id`` set) are left out unless
    ``include_merged``: they are history, not candidates. ``account_names`` (account id
    to name) gives contacts a company for rules that compare ``company``.

    Unlike the rules and results, an index is a mutable cache and not thread-safe.
    """

    def __init__(
        self,
        records: Iterable[Any],
        rule: MatchingRule,
        *,
        account_names: Mapping[str, str] | None = None,
        include_merged: bool = False,
    ) -> None:
        if not isinstance(rule, MatchingRule):
            raise ValidationError(
                f"expected a MatchingRule, got {type(rule).__name__}", path="MatchIndex.rule"
            )
        self.rule = rule
        self.context = MatchContext(account_names=account_names)
        self.include_merged = include_merged
        self._compiled = CompiledRule(rule)
        parts, blocks = block_layout(rule.blocking)
        # One pass over the record for its criterion keys and block keys (see _prepare).
        self._prepare_keys = compile_keys(
            [
                (key, getattr(criterion, "key_recipe", None))
                for key, criterion in zip(self._compiled.keys, rule.criteria, strict=True)
            ]
            + [(part, part_recipe(part)) for part in parts],
            criteria=len(rule.criteria),
            blocks=blocks,
        )
        self._records: list[Any] = []
        self._rows: list[Row | None] = []
        self._positions: dict[str, int] = {}
        self._record_keys: list[list[str | None] | None] = []  # block keys, by position
        # Per block, key → the positions sharing it: a bare position while there is one
        # (most keys are one record's: no list to build), a list from the second on.
        self._blocks: list[dict[str, int | list[int]]] = [{} for _ in rule.blocking]
        self._fill(records)

    def _fill(self, records: Iterable[Any]) -> None:
        """Index *records*: :meth:`_prepare` and :meth:`_insert` for each, inlined (this
        loop runs once per record of a whole database)."""
        prepare, context = self._prepare_keys, self.context
        skip_merged = not self.include_merged
        positions = self._positions
        indexed = self._records
        add_record, add_row = indexed.append, self._rows.append
        add_keys = self._record_keys.append
        blocks_of = self._blocks
        for number, record in enumerate(records):
            record_id = getattr(record, "id", None)
            if record_id.__class__ is not str or not record_id:
                record_id = _record_id(record, f"records[{number}]")
            if skip_merged and getattr(record, "master_record_id", None) is not None:
                continue
            try:
                row, keys = prepare(record, context, {})
            except ValidationError as error:
                raise self._unreadable(error, f"records[{number}]") from None
            if record_id in positions:
                raise ValidationError(
                    f"record id {record_id!r} appears twice; ids must be unique",
                    path=f"records[{number}].id",
                )
            position = len(indexed)
            for key, blocks in zip(keys, blocks_of, strict=True):
                if key is not None:
                    members = blocks.get(key)
                    if members is None:
                        blocks[key] = position
                    elif members.__class__ is int:
                        blocks[key] = [members, position]
                    else:
                        members.append(position)  # type: ignore[union-attr]
            add_record(record)
            add_row(row)
            add_keys(keys)
            positions[record_id] = position

    # -- contents --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._positions

    def __iter__(self) -> Iterator[Any]:
        return (r for r in self._records if r is not None)

    def get(self, record_id: str) -> Any | None:
        """The indexed record with *record_id*, or None."""
        position = self._positions.get(record_id)
        return None if position is None else self._records[position]

    def add(self, record: Any) -> None:
        """Index *record* (a new one, or the new version of an indexed one).

        A merged record (``master_record_id`` set) is removed instead, unless the index
        includes merged records. A record the rule cannot read leaves the index unchanged.
        """
        record_id = _record_id(record, "record")
        prepared = self._prepare(record, "record")
        self.remove(record_id)
        if prepared is not None:
            self._insert(record, record_id, *prepared)

    def remove(self, record_id: str) -> None:
        """Take the record with *record_id* out of the index (nothing if absent)."""
        position = self._positions.pop(record_id, None)
        if position is None:
            return
        self._records[position] = None
        self._rows[position] = None
        keys = self._record_keys[position]
        self._record_keys[position] = None
        for key, blocks in zip(keys or (), self._blocks, strict=True):
            if key is not None:
                members = blocks[key]
                if isinstance(members, int):
                    del blocks[key]
                else:
                    members.remove(position)
                    if len(members) == 1:
                        blocks[key] = members[0]

    def _prepare(self, record: Any, where: str) -> tuple[Row, list[str | None]] | None:
        """The record's keys, or None for a merged record the index leaves out."""
        if not self.include_merged and getattr(record, "master_record_id", None) is not None:
            return None
        return self._keys(record, where)

    def _keys(self, record: Any, where: str) -> tuple[Row, list[str | None]]:
        """The record's criterion keys and block keys."""
        try:
            row, keys = self._prepare_keys(record, self.context, {})
        except ValidationError as error:
            raise self._unreadable(error, where) from None
        return row, keys

    def _unreadable(self, error: ValidationError, where: str) -> ValidationError:
        return ValidationError(
            f"rule {self.rule.name!r} cannot read {where}: {error.message}",
            path=f"{where}.{format_path(error.path)}" if error.path else where,
        )

    def _insert(self, record: Any, record_id: str, row: Row, keys: list[str | None]) -> None:
        position = len(self._records)
        for key, blocks in zip(keys, self._blocks, strict=True):
            if key is not None:
                members = blocks.get(key)
                if members is None:
                    blocks[key] = position
                elif isinstance(members, int):
                    blocks[key] = [members, position]
                else:
                    members.append(position)
        self._records.append(record)
        self._rows.append(row)
        self._record_keys.append(keys)
        self._positions[record_id] = position

    # -- matching --------------------------------------------------------------------------

    def _candidates(self, record_id: str, keys: list[str | None]) -> Iterable[int]:
        own = self._positions.get(record_id, -1)
        if not self.rule.blocking:
            return (p for p in self._positions.values() if p != own)
        found: set[int] = set()
        for key, blocks in zip(keys, self._blocks, strict=True):
            if key is not None:
                members = blocks.get(key)
                if isinstance(members, int):
                    found.add(members)
                elif members is not None:
                    found.update(members)
        found.discard(own)
        return found

    def match(self, record: Any, *, include_possible: bool = False) -> tuple[MatchPair, ...]:
        """The indexed records *record* matches: best score first, then index order.

        With ``include_possible``, the possible duplicates follow (pairs that meet the
        rule's ``possible`` logic without matching, ``pair.possible`` set, ``matched``
        not): best score first, then index order.

        The record itself (same id) is never a match, so an edited record can be checked
        against an index that still holds its old version.
        """
        record_id = _record_id(record, "record")
        row, keys = self._keys(record, "record")
        decide = self._compiled.decide
        possible = self._compiled.possible if include_possible else None
        rows = self._rows
        matches: list[tuple[bool, float, int, MatchPair]] = []
        for position in self._candidates(record_id, keys):
            other = rows[position]
            if other is None:
                continue
            matched = decide(row, other)
            if matched or (possible is not None and possible(row, other)):
                pair = self._compiled.explain(
                    record, self._records[position], row, other, self.context
                )
                matches.append((not matched, -pair.score, position, pair))
        matches.sort(key=lambda item: item[:3])
        return tuple(item[3] for item in matches)

    def duplicates(self, *, max_block_size: int | None = 1000) -> Duplicates:
        """Every cluster of duplicates among the indexed records (see find_duplicates)."""
        return _cluster(self, max_block_size)


def match_one(
    record: Any, index: MatchIndex, *, include_possible: bool = False
) -> tuple[MatchPair, ...]:
    """Check one (new or edited) record against an index of existing ones.

    Returns the matching pairs (``left`` is *record*), best score first. Only records
    sharing a blocking key with *record* are compared, so the cost does not grow with the
    size of the index.

    With ``include_possible`` the rule's possible duplicates come after the matches
    (``pair.possible`` true, ``pair.matched`` false): for the standard rules, the same
    name at the same company with different e-mails and phones (同姓同名), which a person
    should look at but which must not be merged. :func:`check_duplicates` reports them
    as alerts.

    >>> from datetime import UTC, datetime
    >>> from leadkit.dedupe import LEAD_RULE, MatchIndex, match_one
    >>> from leadkit.model import Lead, PersonName
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> known = [Lead(id="lead-1", name=PersonName("Smith", "John"), company="Acme Inc.",
    ...               email="john@acme.com", created_at=t)]
    >>> index = MatchIndex(known, LEAD_RULE)
    >>> new = Lead(id="lead-2", name=PersonName("Smith", "J."), company="ACME",
    ...            email="JOHN@ACME.COM", created_at=t)
    >>> [(pair.right, pair.held) for pair in match_one(new, index)]
    [('lead-1', (1, 2, 3, 4, 7, 8, 9))]
    >>> namesake = Lead(id="lead-3", name=PersonName("Smith", "John"), company="Acme",
    ...                 email="john.smith@acme.com", created_at=t)
    >>> match_one(namesake, index)
    ()
    >>> [(pair.right, pair.possible) for pair in match_one(namesake, index, include_possible=True)]
    [('lead-1', True)]
    """
    if not isinstance(index, MatchIndex):
        raise ValidationError(f"expected a MatchIndex, got {type(index).__name__}", path="index")
    if not isinstance(include_possible, bool):
        raise ValidationError(
            f"must be True or False, got {include_possible!r}", path="include_possible"
        )
    return index.match(record, include_possible=include_possible)


def find_duplicates(
    records: Iterable[Any],
    rule: MatchingRule,
    *,
    account_names: Mapping[str, str] | None = None,
    include_merged: bool = False,
    max_block_size: int | None = 1000,
) -> Duplicates:
    """Find the clusters of duplicates among *records* under *rule*.

    Pairs are compared when they share a blocking key (every pair when the rule has no
    blocks). Matching pairs are joined into clusters transitively: if A matches B and B
    matches C, then A, B and C form one cluster even when A and C do not match. Clusters
    list their records in input order and carry every matching pair with its evidence.

    A block holding more than ``max_block_size`` records (a shared switchboard number, a
    placeholder e-mail) is not expanded pair by pair; it is reported in
    ``skipped_blocks`` so that nothing is left out silently. ``None`` means no limit.

    >>> from datetime import UTC, datetime
    >>> from leadkit.dedupe import LEAD_RULE, find_duplicates
    >>> from leadkit.model import Lead, PersonName
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> leads = [
    ...     Lead(id="a", name=PersonName("山田", "太郎"), company="株式会社ABC", created_at=t),
    ...     Lead(id="b", name=PersonName("Smith"), company="Contoso", created_at=t),
    ...     Lead(id="c", name=PersonName("山田", "太郎"), company="ABC(株)", created_at=t),
    ... ]
    >>> [cluster.ids for cluster in find_duplicates(leads, LEAD_RULE)]
    [('a', 'c')]
    """
    index = MatchIndex(records, rule, account_names=account_names, include_merged=include_merged)
    return _cluster(index, max_block_size)


def _check_limit(max_block_size: int | None) -> None:
    if max_block_size is not None and (
        isinstance(max_block_size, bool)
        or not isinstance(max_block_size, int)
        or max_block_size < 2
    ):
        raise ValidationError(
            f"must be a whole number of 2 or more, or None, got {max_block_size!r}",
            path="max_block_size",
        )


def _cluster(index: MatchIndex, max_block_size: int | None) -> Duplicates:
    _check_limit(max_block_size)
    rows = index._rows
    keys: list[Any] = index._record_keys
    decide = index._compiled.decide
    matched: list[tuple[int, int]] = []
    possible = index._compiled.possible
    doubtful: list[tuple[int, int]] = []
    compared = 0
    skipped: list[SkippedBlock] = []

    if not index.rule.blocking:
        live = [p for p, row in enumerate(rows) if row is not None]
        for x, i in enumerate(live):
            a = rows[i]
            for j in live[x + 1 :]:
                compared += 1
                if decide(a, rows[j]):  # type: ignore[arg-type]
                    matched.append((i, j))
                elif possible is not None and possible(a, rows[j]):  # type: ignore[arg-type]
                    doubtful.append((i, j))
    else:
        too_big: list[set[str]] = [set() for _ in index.rule.blocking]
        for number, (block, blocks) in enumerate(
            zip(index.rule.blocking, index._blocks, strict=True)
        ):
            earlier = [(b, too_big[b]) for b in range(number)]
            for key, members in blocks.items():
                if isinstance(members, int):
                    continue  # one record: nothing to compare
                size = len(members)
                if size < 2:
                    continue
                if max_block_size is not None and size > max_block_size:
                    too_big[number].add(key)
                    skipped.append(SkippedBlock(block.name, block.show(key), size))
                    continue
                for x in range(size - 1):
                    i = members[x]
                    a = rows[i]
                    for y in range(x + 1, size):
                        j = members[y]
                        if earlier and _compared_before(keys[i], keys[j], earlier):
                            continue
                        compared += 1
                        if decide(a, rows[j]):  # type: ignore[arg-type]
                            matched.append((i, j))
                        elif possible is not None and possible(a, rows[j]):  # type: ignore[arg-type]
                            doubtful.append((i, j))
    return _build(index, matched, doubtful, compared, skipped)


def _compared_before(
    left: list[str | None], right: list[str | None], earlier: list[tuple[int, set[str]]]
) -> bool:
    """Whether two records (their block keys) share the key of an earlier block that was
    expanded."""
    for number, too_big in earlier:
        key = left[number]
        if key is not None and key == right[number] and key not in too_big:
            return True
    return False


def _build(
    index: MatchIndex,
    matched: list[tuple[int, int]],
    doubtful: list[tuple[int, int]],
    compared: int,
    skipped: list[SkippedBlock],
) -> Duplicates:
    parent: dict[int, int] = {}

    def root(p: int) -> int:
        parent.setdefault(p, p)
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for i, j in matched:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    members: dict[int, list[int]] = {}
    for p in sorted(parent):
        members.setdefault(root(p), []).append(p)
    records, rows = index._records, index._rows
    compiled, context = index._compiled, index.context
    explained: dict[tuple[int, int], MatchPair] = {}
    edges: dict[int, list[tuple[int, int]]] = {}
    for i, j in sorted(matched):
        explained[i, j] = compiled.explain(records[i], records[j], rows[i], rows[j], context)  # type: ignore[arg-type]
        edges.setdefault(root(i), []).append((i, j))

    groups: list[tuple[list[int], list[tuple[int, int]], tuple[str, ...]]] = []
    left_out: list[tuple[int, int]] = []
    for first, group in members.items():
        group_edges = edges[first]
        if compiled._contradicting:
            parts = _split(index, group, group_edges, explained)
            groups.extend(parts)
            kept = {edge for _, part_edges, _ in parts for edge in part_edges}
            left_out.extend(edge for edge in group_edges if edge not in kept)
        else:
            groups.append((group, group_edges, ()))
    groups.sort(key=lambda item: item[0][0])
    clusters = tuple(
        Cluster(
            ids=tuple(records[p].id for p in group),
            pairs=tuple(explained[edge] for edge in sorted(group_edges)),
            notes=notes,
        )
        for group, group_edges, notes in groups
        if len(group) > 1
    )
    possible = tuple(
        explained.get((i, j)) or compiled.explain(records[i], records[j], rows[i], rows[j], context)  # type: ignore[arg-type]
        for i, j in sorted(doubtful + left_out)
    )
    return Duplicates(
        clusters=clusters,
        records=len(index),
        compared=compared,
        skipped_blocks=tuple(sorted(skipped, key=lambda s: (s.block, s.key))),
        possible=possible,
    )


_MAX_SPLIT = 500  # members; larger groups are left as they are (checking is quadratic)


def _split(
    index: MatchIndex,
    group: list[int],
    group_edges: list[tuple[int, int]],
    explained: dict[tuple[int, int], MatchPair],
) -> list[tuple[list[int], list[tuple[int, int]], tuple[str, ...]]]:
    """Split a transitive group so that no two records that contradict each other end up
    together: join along the strongest pairs first (most criteria held, then score), and
    leave out a pair that would bring two contradicting records into one cluster."""
    rows, records = index._rows, index._records
    compiled = index._compiled
    criteria = index.rule.criteria
    if len(group) > _MAX_SPLIT:
        return [(group, group_edges, ())]
    conflicts: dict[int, dict[int, int]] = {}
    for x, i in enumerate(group):
        for j in group[x + 1 :]:
            number = compiled.contradicts(rows[i], rows[j])  # type: ignore[arg-type]
            if number is not None:
                conflicts.setdefault(i, {})[j] = number
                conflicts.setdefault(j, {})[i] = number
    if not conflicts:
        return [(group, group_edges, ())]
    owner = {p: p for p in group}
    sets: dict[int, set[int]] = {p: {p} for p in group}
    kept: list[tuple[int, int]] = []
    notes: dict[int, list[str]] = {}
    ranked = sorted(group_edges, key=lambda e: (-len(explained[e].held), -explained[e].score, e))
    for i, j in ranked:
        a, b = owner[i], owner[j]
        if a == b:
            kept.append((i, j))
            continue
        clash = next(
            (
                (x, y, conflicts[x][y])
                for x in sets[a]
                for y in conflicts.get(x, {})
                if y in sets[b]
            ),
            None,
        )
        if clash is not None:
            x, y, number = clash
            criterion = criteria[number - 1]
            notes.setdefault(a, []).append(
                f"pair {records[i].id} ~ {records[j].id} left out: it would join"
                f" {records[x].id} and {records[y].id}, who differ by criterion {number}"
                f" ({criterion.field} by {criterion.method})"
            )
            continue
        if len(sets[a]) < len(sets[b]):
            a, b = b, a
        for p in sets[b]:
            owner[p] = a
        sets[a] |= sets.pop(b)
        notes.setdefault(a, []).extend(notes.pop(b, []))
        kept.append((i, j))
    result = []
    for leader, member_set in sets.items():
        ordered = sorted(member_set)
        mine = [edge for edge in kept if owner[edge[0]] == leader]
        result.append((ordered, mine, tuple(notes.get(leader, []))))
    return result
