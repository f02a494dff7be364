"""Merging duplicates into one master: plan from reads, then write, in one unit of work.

One mechanism serves leads, contacts and accounts. The plan step reads and checks
everything and decides every record's new state; the apply step only writes. A refused
merge never wrote anything, and a failure while writing is undone by the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

import attrs

from leadkit._checks import unit_of_work
from leadkit.dedupe._survivorship import FieldDecision, Survivorship
from leadkit.errors import (
    AlreadyMergedError,
    ConvertedLeadMergeError,
    MergeError,
    NotFoundError,
    ValidationError,
)
from leadkit.model import Account, CampaignMember, Contact, Lead
from leadkit.repository import Repository, UnitOfWork

__all__ = [
    "AlreadyMergedError",
    "ConvertedLeadMergeError",
    "MergeError",
    "MergeResult",
    "merge_accounts",
    "merge_contacts",
    "merge_leads",
]

M = TypeVar("M", Lead, Contact, Account)


@attrs.frozen
class MergeResult(Generic[M]):
    """What a merge did, and why.

    ``master`` is the surviving record as stored (it keeps its id), ``merged`` the
    duplicates as stored (``master_record_id`` set; kept, never deleted). ``decisions``
    says for each field the records disagreed on which record's value won and by which
    rule. ``moved`` lists, per repository name, the ids of related records re-parented
    to the master (under ``"visitors"``, the visitor ids whose links moved);
    ``members_dropped`` the campaign memberships removed because the master already had
    one in that campaign (their records are returned so nothing disappears unseen).
    """

    master: M
    merged: tuple[M, ...]
    decisions: tuple[FieldDecision, ...]
    moved: dict[str, tuple[str, ...]]
    members_dropped: tuple[CampaignMember, ...]
    notes: tuple[str, ...]

    @property
    def merged_ids(self) -> tuple[str, ...]:
        """The ids of the records merged into the master."""
        return tuple(record.id for record in self.merged)

    def decision(self, field: str) -> FieldDecision | None:
        """The decision about ``field``, or ``None`` when every record agreed."""
        return next((d for d in self.decisions if d.field == field), None)

    def explain(self) -> str:
        """The merge in words: one line per field decision and per note."""
        lines = [f"merged {', '.join(self.merged_ids)} into {self.master.id}:"]
        lines += [f"  - {decision}" for decision in self.decisions]
        lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


@attrs.frozen
class _Write:
    repository: str
    record: Any
    remove: bool = False


@attrs.frozen
class _Plan:
    master: Any
    master_changed: bool
    merged: tuple[Any, ...]
    writes: tuple[_Write, ...]
    decisions: tuple[FieldDecision, ...]
    moved: dict[str, tuple[str, ...]]
    members_dropped: tuple[CampaignMember, ...]
    notes: tuple[str, ...]


@attrs.frozen
class _Kind:
    name: str
    record_type: type
    repository: str
    reparent: Callable[[UnitOfWork, Any, Sequence[Any]], _Related]


@attrs.define
class _Related:
    """What re-parenting collects while reading: the writes, and what to report."""

    writes: list[_Write] = attrs.field(factory=list)
    moved: dict[str, list[str]] = attrs.field(factory=dict)
    dropped: list[CampaignMember] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)

    def move(self, repository: str, records: Iterable[Any], **changes: Any) -> None:
        for record in records:
            self.writes.append(_Write(repository, attrs.evolve(record, **changes)))
            self.moved.setdefault(repository, []).append(record.id)


def _check_id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"an id is a non-empty str, got {value!r}", path=where)
    return value


def _check_ids(master_id: object, duplicate_ids: object) -> tuple[str, list[str]]:
    master = _check_id(master_id, "master_id")
    if isinstance(duplicate_ids, str | bytes) or not isinstance(duplicate_ids, Iterable):
        raise ValidationError(
            f"duplicate_ids is a list of ids, got {duplicate_ids!r}", path="duplicate_ids"
        )
    ids = [_check_id(i, f"duplicate_ids[{n}]") for n, i in enumerate(duplicate_ids)]
    if not ids:
        raise ValidationError("name at least one duplicate to merge", path="duplicate_ids")
    seen: set[str] = set()
    for position, record_id in enumerate(ids):
        where = f"duplicate_ids[{position}]"
        if record_id == master:
            raise ValidationError(
                f"{record_id!r} is the master; it cannot also be merged into itself", path=where
            )
        if record_id in seen:
            raise ValidationError(f"{record_id!r} is listed twice", path=where)
        seen.add(record_id)
    return master, ids


def _check_unit_of_work(uow: object) -> UnitOfWork:
    return unit_of_work(uow)


def _load(kind: _Kind, uow: UnitOfWork, master_id: str, ids: list[str]) -> tuple[Any, list[Any]]:
    repository: Repository[Any] = getattr(uow, kind.repository)
    master = repository.find(master_id)
    if master is None:
        raise NotFoundError(f"no {kind.name} with id {master_id!r}", path="master_id")
    found = [repository.find(record_id) for record_id in ids]
    missing = [i for i, record in zip(ids, found, strict=True) if record is None]
    if missing:
        raise NotFoundError(
            f"no {kind.name} with id {', '.join(map(repr, missing))}",
            path=f"duplicate_ids[{ids.index(missing[0])}]",
        )
    duplicates = cast(list[Any], found)
    for where, record in [("master_id", master)] + [
        (f"duplicate_ids[{n}]", d) for n, d in enumerate(duplicates)
    ]:
        if isinstance(record, Lead) and record.conversion is not None:
            role = "the master" if where == "master_id" else "a duplicate"
            raise ConvertedLeadMergeError(
                f"lead {record.id!r} was converted on {record.conversion.converted_at.date()} "
                f"and is read-only; it cannot be {role} of a merge (merge its contact "
                f"{record.conversion.contact_id!r} instead)",
                path=where,
            )
        if record.master_record_id is not None:
            raise AlreadyMergedError(
                f"{kind.name} {record.id!r} was already merged into "
                f"{record.master_record_id!r}; use that one",
                path=where,
            )
    return master, duplicates


def _campaign_members(
    related: _Related, members: list[CampaignMember], owner: dict[str, Any]
) -> None:
    """Re-parent memberships, keeping one per campaign: responded first, then earliest."""
    by_campaign: dict[str, list[CampaignMember]] = {}
    for member in members:
        by_campaign.setdefault(member.campaign_id, []).append(member)
    for campaign_id, group in by_campaign.items():
        keep = min(
            group,
            key=lambda m: (
                not m.responded,
                m.first_responded_at or m.created_at.date(),
                m.created_at,
            ),
        )
        if not _owns(keep, owner):
            related.move("campaign_members", [keep], **owner)
        for member in group:
            if member is not keep:
                related.writes.append(_Write("campaign_members", member, remove=True))
                related.dropped.append(member)
                related.notes.append(
                    f"campaign member {member.id!r} removed: {keep.id!r} is kept as the "
                    f"membership of campaign {campaign_id!r}"
                )


def _owns(member: CampaignMember, owner: dict[str, Any]) -> bool:
    return all(getattr(member, name) == value for name, value in owner.items())


def _reparent_person(
    person: str,
) -> Callable[[UnitOfWork, Any, Sequence[Any]], _Related]:
    """Activities, campaign members and engagement events of leads or of contacts."""
    column = f"{person}_id"

    def reparent(uow: UnitOfWork, master: Any, duplicates: Sequence[Any]) -> _Related:
        related = _Related()
        owner = {column: master.id}
        finder = f"by_{person}"
        for duplicate in duplicates:
            related.move("tasks", getattr(uow.tasks, finder)(duplicate.id), **owner)
            related.move("events", getattr(uow.events, finder)(duplicate.id), **owner)
            related.move(
                "engagement_events", getattr(uow.engagement_events, finder)(duplicate.id), **owner
            )
            # The duplicate's visitors belong to the master now (their stitched events
            # moved just above, so each stays exactly once).
            for link in uow.visitors.links_of(**{column: duplicate.id}):
                related.writes.append(_Write("visitors", attrs.evolve(link, **owner)))
                related.moved.setdefault("visitors", []).append(link.visitor_id)
        members = [
            m
            for record in (master, *duplicates)
            for m in getattr(uow.campaign_members, finder)(record.id)
        ]
        _campaign_members(related, members, owner)
        return related

    return reparent


def _reparent_account(uow: UnitOfWork, master: Any, duplicates: Sequence[Any]) -> _Related:
    """Contacts, opportunities, activities and child accounts of accounts."""
    related = _Related()
    owner = {"account_id": master.id}
    gone = {d.id for d in duplicates}
    for duplicate in duplicates:
        related.move("contacts", uow.contacts.by_account(duplicate.id), **owner)
        related.move("opportunities", uow.opportunities.by_account(duplicate.id), **owner)
        related.move("tasks", uow.tasks.by_account(duplicate.id), **owner)
        related.move("events", uow.events.by_account(duplicate.id), **owner)
    children = [
        child
        for duplicate in duplicates
        for child in uow.accounts.by_parent(duplicate.id)
        if child.id != master.id and child.id not in gone
    ]
    related.move("accounts", children, parent_id=master.id)
    return related


_LEAD = _Kind("lead", Lead, "leads", _reparent_person("lead"))
_CONTACT = _Kind("contact", Contact, "contacts", _reparent_person("contact"))
_ACCOUNT = _Kind("account", Account, "accounts", _reparent_account)


def _plan(
    kind: _Kind, uow: UnitOfWork, master_id: str, ids: list[str], survivorship: Survivorship
) -> _Plan:
    master, duplicates = _load(kind, uow, master_id, ids)
    changes, decisions = survivorship.resolve(master, duplicates)
    notes: list[str] = []
    if kind is _ACCOUNT:
        parent = changes.get("parent_id", master.parent_id)
        if parent is not None and (parent == master.id or parent in ids):
            # The master cannot become its own parent through a merged head office.
            changes["parent_id"] = None
            notes.append(
                f"parent {parent!r} is merged into the master; the master has no parent now"
            )
    try:
        new_master = attrs.evolve(master, **changes) if changes else master
    except ValidationError as error:
        raise MergeError(
            f"the merged {kind.name} would be invalid: {error.message}; change the "
            "survivorship rule of that field",
            path=error.path,
        ) from None
    related = kind.reparent(uow, master, duplicates)
    merged = tuple(attrs.evolve(d, master_record_id=master.id) for d in duplicates)
    for repository, moved in related.moved.items():
        notes.append(f"{repository.replace('_', ' ')}: {len(moved)} moved to {master.id!r}")
    notes += related.notes
    notes.append(f"{len(merged)} {kind.name}(s) marked merged into {master.id!r} (kept)")
    return _Plan(
        master=new_master,
        master_changed=bool(changes),
        merged=merged,
        writes=tuple(related.writes),
        decisions=decisions,
        moved={name: tuple(ids) for name, ids in related.moved.items()},
        members_dropped=tuple(related.dropped),
        notes=tuple(notes),
    )


def _apply(kind: _Kind, plan: _Plan, uow: UnitOfWork) -> MergeResult[Any]:
    """Related records first, then the duplicates, the master last."""
    for write in plan.writes:
        if write.repository == "visitors":
            uow.visitors.save_link(write.record)
            continue
        repository: Repository[Any] = getattr(uow, write.repository)
        if write.remove:
            repository.remove(write.record)
        else:
            repository.update(write.record)
    records: Repository[Any] = getattr(uow, kind.repository)
    merged = tuple(records.update(record) for record in plan.merged)
    master = records.update(plan.master) if plan.master_changed else plan.master
    return MergeResult(
        master=master,
        merged=merged,
        decisions=plan.decisions,
        moved=plan.moved,
        members_dropped=plan.members_dropped,
        notes=plan.notes,
    )


def _check_survivorship(kind: _Kind, survivorship: object) -> Survivorship:
    if survivorship is None:
        return Survivorship(kind.record_type)
    if not isinstance(survivorship, Survivorship):
        raise ValidationError(
            f"expected a Survivorship, got {type(survivorship).__name__}", path="survivorship"
        )
    if survivorship.record_type is not kind.record_type:
        raise ValidationError(
            f"this survivorship is for {survivorship.kind}s; merging {kind.name}s needs "
            f"Survivorship({kind.record_type.__name__}, ...)",
            path="survivorship.record_type",
        )
    return survivorship


def _merge(
    kind: _Kind,
    master_id: object,
    duplicate_ids: object,
    uow: object,
    survivorship: object,
) -> MergeResult[Any]:
    master, ids = _check_ids(master_id, duplicate_ids)
    unit = _check_unit_of_work(uow)
    rules = _check_survivorship(kind, survivorship)
    with unit:
        plan = _plan(kind, unit, master, ids, rules)
        result = _apply(kind, plan, unit)
        unit.commit()
    return result


def merge_leads(
    master_id: str,
    duplicate_ids: Iterable[str],
    uow: UnitOfWork,
    *,
    survivorship: Survivorship | None = None,
) -> MergeResult[Lead]:
    """Merge leads into one master, in ``uow`` as one transaction.

    The master keeps its id; each field takes its value by ``survivorship`` (default:
    the master's value unless empty, else the first duplicate's, with opt-outs kept).
    Tasks, events, engagement events and campaign memberships of the duplicates move to
    the master (one membership per campaign: the responded, else the earliest); the
    duplicates are kept with ``master_record_id`` set, never deleted.

    Like :func:`~leadkit.convert.convert_lead`, it enters ``uow``, reads and checks,
    writes and commits; any error leaves storage exactly as it was. ``uow`` must not be
    active already. Converted leads cannot be merged (``converted_lead``), nor records
    already merged (``already_merged``); unknown ids raise
    :class:`~leadkit.errors.NotFoundError`.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName, Task
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> T0 = datetime(2026, 4, 1, tzinfo=UTC)
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.leads.add(Lead(id="l-1", name=PersonName("山田"), company="ABC", created_at=T0))
    ...     _ = uow.leads.add(Lead(id="l-2", name=PersonName("山田"), company="ABC",
    ...                            phone="03-1234-5678", created_at=T0))
    ...     _ = uow.tasks.add(Task(id="t-1", subject="Call", lead_id="l-2", created_at=T0))
    ...     uow.commit()
    >>> result = merge_leads("l-1", ["l-2"], uow)
    >>> result.master.phone, result.merged[0].master_record_id, result.moved["tasks"]
    ('03-1234-5678', 'l-1', ('t-1',))
    """
    return cast(MergeResult[Lead], _merge(_LEAD, master_id, duplicate_ids, uow, survivorship))


def merge_contacts(
    master_id: str,
    duplicate_ids: Iterable[str],
    uow: UnitOfWork,
    *,
    survivorship: Survivorship | None = None,
) -> MergeResult[Contact]:
    """Merge contacts into one master, like :func:`merge_leads`.

    Tasks and events (their ``contact_id``), engagement events and campaign memberships
    move to the master. The master keeps its account unless ``survivorship`` says
    otherwise for ``account_id``.
    """
    return cast(MergeResult[Contact], _merge(_CONTACT, master_id, duplicate_ids, uow, survivorship))


def merge_accounts(
    master_id: str,
    duplicate_ids: Iterable[str],
    uow: UnitOfWork,
    *,
    survivorship: Survivorship | None = None,
) -> MergeResult[Account]:
    """Merge accounts into one master, like :func:`merge_leads`.

    Contacts, opportunities, tasks and events (their ``account_id``) and child accounts
    (their ``parent_id``) move to the master. A master whose parent is one of the merged
    accounts loses its parent (it cannot be its own).
    """
    return cast(MergeResult[Account], _merge(_ACCOUNT, master_id, duplicate_ids, uow, survivorship))
