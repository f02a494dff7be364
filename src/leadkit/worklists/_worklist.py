"""A worklist is a query saved as data: a condition, a sort and a page size.

The condition is the one condition language (:mod:`leadkit.rules`) on the lead. What the
team did with the lead reaches it as engagement events the worklist adds to the lead's
own (see :func:`activity_events`):

- ``activity.done``: a completed task or an event that has ended, at the time it was done,
  with the properties ``owner`` (the user id who did it) and ``type`` (``task`` / ``event``);
- ``activity.planned``: an open task, at its creation, with ``owner`` and ``type``;
- ``activity.rep``: one per rep who did something, at their first done activity, with
  ``owner``; ``events("activity.rep").count() >= 2`` is "touched by two reps";
- ``stage.current``: the lead's stage by ``as_of`` from its stored stage history
  (``uow.stage_histories``), at the time it entered it, with the property ``stage``
  (``"mql"``, ``"sal"`` ...); ``events("stage.current").where(prop("stage") == "mql")``
  is "an MQL now". A lead with no stored history has none.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from leadkit.errors import LoadError, Problem, ValidationError
from leadkit.io._reader import mapping_codec
from leadkit.model import Activity, EngagementEvent, Event, Lead, Money, Task
from leadkit.rules import Condition, FieldRef, Kind, events, field, info_of, prop
from leadkit.worklists._response import done_at

if TYPE_CHECKING:
    from leadkit.stages import StageHistory

__all__ = [
    "BUILTIN_WORKLISTS",
    "PLAIN_CODECS",
    "PRIORITY_FIELD",
    "STAGE_EVENT",
    "SortKey",
    "Worklist",
    "activity_events",
    "dump_worklist",
    "load_worklist",
    "sort_key",
    "stage_event",
]

DONE = "activity.done"
PLANNED = "activity.planned"
REP = "activity.rep"
STAGE_EVENT = "stage.current"
"""The kind of the event that carries a lead's stored current stage (see the module)."""
PRIORITY_FIELD = "priority"
"""The custom field that keeps a lead's priority cell (``"A1"`` ... ``"D4"``), written
by :func:`leadkit.stages.store_classification` and read by the hot-lead worklist."""

SORTABLE_KINDS = (
    Kind.TEXT,
    Kind.ENUM,
    Kind.NUMBER,
    Kind.MONEY,
    Kind.BOOL,
    Kind.DATE,
    Kind.DATETIME,
)


def _owner(activity: Activity) -> str | None:
    return activity.owner.id if activity.owner is not None else None


def _type(activity: Activity) -> str:
    return "event" if isinstance(activity, Event) else "task"


def activity_event(activity: Activity, *, as_of: datetime) -> EngagementEvent | None:
    """The engagement event an activity of a lead becomes (None when it has no lead or is
    an event not yet ended)."""
    if activity.lead_id is None:
        return None
    properties: dict[str, Any] = {"type": _type(activity)}
    owner = _owner(activity)
    if owner is not None:
        properties["owner"] = owner
    at = done_at(activity, as_of=as_of)
    if at is not None:
        kind = DONE
    elif isinstance(activity, Task):
        kind, at = PLANNED, activity.created_at
    else:
        return None
    if at > as_of:
        return None
    return EngagementEvent(
        id=activity.id, kind=kind, occurred_at=at, lead_id=activity.lead_id, properties=properties
    )


def rep_event(lead_id: str, owner: str, first: datetime) -> EngagementEvent:
    """The ``activity.rep`` event of one rep on one lead (``first``: their first done
    activity, kept to the precision of POSIX seconds as a float, as SQL keeps it)."""
    at = datetime.fromtimestamp(first.timestamp(), UTC)
    return EngagementEvent(
        id=f"rep:{lead_id}:{owner}",
        kind=REP,
        occurred_at=at,
        lead_id=lead_id,
        properties={"owner": owner},
    )


def stage_event(history: StageHistory, *, as_of: datetime) -> EngagementEvent | None:
    """The ``stage.current`` event of a stored history at ``as_of``: the stage the lead
    was in then, at the time it entered it (to the precision of POSIX seconds as a
    float, as SQL keeps it); None before its first transition."""
    kept = history.until(as_of)
    if not kept.transitions:
        return None
    step = kept.transitions[-1]
    return stage_event_of(history.lead_id, step.to_stage.value, step.at)


def stage_event_of(lead_id: str, stage: str, at: datetime) -> EngagementEvent:
    """The ``stage.current`` event of a lead that entered ``stage`` at ``at``."""
    return EngagementEvent(
        id=f"stage:{lead_id}",
        kind=STAGE_EVENT,
        occurred_at=datetime.fromtimestamp(at.timestamp(), UTC),
        lead_id=lead_id,
        properties={"stage": stage},
    )


def needs_stage(condition: Condition | None) -> bool:
    """True when ``condition`` counts ``stage.current`` events (it names the kind, or
    counts events of every kind): only then do runs build them."""
    from leadkit.rules import EventQuery

    def walk(node: object) -> bool:
        if isinstance(node, EventQuery):
            return not node.kinds or STAGE_EVENT in node.kinds
        if isinstance(node, tuple | list):
            return any(walk(item) for item in node)
        if attrs.has(type(node)):
            return any(walk(getattr(node, f.name)) for f in attrs.fields(type(node)))  # type: ignore[arg-type]
        return False

    return walk(condition)


def activity_events(activities: Iterable[Activity], *, as_of: datetime) -> list[EngagementEvent]:
    """The ``activity.*`` events of ``activities`` at ``as_of`` (see the module docs)."""
    out: list[EngagementEvent] = []
    firsts: dict[tuple[str, str], datetime] = {}
    for activity in activities:
        event = activity_event(activity, as_of=as_of)
        if event is None:
            continue
        out.append(event)
        owner = event.properties.get("owner")
        if event.kind == DONE and isinstance(owner, str) and event.lead_id is not None:
            key = (event.lead_id, owner)
            if key not in firsts or event.occurred_at < firsts[key]:
                firsts[key] = event.occurred_at
    out.extend(rep_event(lead, owner, at) for (lead, owner), at in firsts.items())
    return out


@attrs.frozen(slots=True)
class SortKey:
    """Sort by the lead field ``path`` (a typed field: not a custom field), descending
    when ``descending``. Missing values sort last either way; ties go by lead id."""

    path: str
    descending: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        info = info_of(FieldRef(self.path))
        if info.kind not in SORTABLE_KINDS:
            raise ValidationError(
                f"cannot sort by {self.path!r}: only typed lead fields sort (not custom fields)",
                path=("sort", self.path),
            )

    @classmethod
    def parse(cls, text: str) -> SortKey:
        """``"created_at"`` ascending, ``"-created_at"`` descending."""
        if text.startswith("-"):
            return cls(text[1:], descending=True)
        return cls(text)

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.path


def sort_key(lead: Lead, path: str) -> str | float | int | None:
    """The value of ``path`` a worklist sorts by, as SQLite holds it (dates as ISO text,
    datetimes as POSIX seconds, numbers as floats, flags as 0/1)."""
    value = info_of(FieldRef(path)).get(lead)
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Money):
        return float(value.amount)
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # pragma: no cover - SortKey admits only the kinds above


def _sort(value: Iterable[SortKey | str]) -> tuple[SortKey, ...]:
    return tuple(SortKey.parse(v) if isinstance(v, str) else v for v in value)


def _page_size(instance: Worklist, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"page_size is a positive whole number, got {value!r}", path="Worklist.page_size"
        )


@attrs.frozen(slots=True)
class Worklist:
    """A named query on leads: ``condition`` (None: every lead), ``sort`` (keys such as
    ``"-created_at"``), ``page_size`` leads a page, and a ``title`` for people."""

    name: str
    condition: Condition | None = attrs.field(default=None, kw_only=True)
    sort: tuple[SortKey, ...] = attrs.field(default=(), converter=_sort, kw_only=True)
    page_size: int = attrs.field(default=50, validator=_page_size, kw_only=True)
    title: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("a worklist needs a name", path="Worklist.name")
        if self.condition is not None and not isinstance(self.condition, Condition):
            raise ValidationError(
                f"expected a condition, got {type(self.condition).__name__}",
                path="Worklist.condition",
            )


def dump_worklist(worklist: Worklist) -> dict[str, Any]:
    """``worklist`` as plain data (for TOML or JSON)."""
    from leadkit.rules import to_data

    data: dict[str, Any] = {"name": worklist.name}
    if worklist.title:
        data["title"] = worklist.title
    if worklist.condition is not None:
        data["condition"] = to_data(worklist.condition)
    if worklist.sort:
        data["sort"] = [str(key) for key in worklist.sort]
    data["page_size"] = worklist.page_size
    return data


_KEYS = ("name", "title", "condition", "sort", "page_size")


def load_worklist(source: str | Path | Mapping[str, Any]) -> Worklist:
    """A worklist from a ``.toml`` / ``.json`` file or plain data; every problem is
    reported at once in a :class:`~leadkit.errors.LoadError` with its key path."""
    from leadkit.io import load_data
    from leadkit.rules import from_data

    data = load_data(source) if isinstance(source, str | Path) else source
    if not isinstance(data, Mapping):
        raise LoadError([Problem((), "expected an object (a table)")], what="worklist")
    problems = [Problem((key,), "unknown key") for key in data if key not in _KEYS]
    condition = None
    if "condition" in data:
        try:
            condition = from_data(data["condition"], on=Lead, path="condition")
        except LoadError as err:
            problems.extend(err.problems)
    name = data.get("name")
    if not isinstance(name, str):
        problems.append(Problem(("name",), "required: the worklist's name (text)"))
    sort = data.get("sort", [])
    if not isinstance(sort, list) or not all(isinstance(s, str) for s in sort):
        problems.append(Problem(("sort",), "a list of field paths such as '-created_at'"))
        sort = []
    if problems:
        raise LoadError(problems, what="worklist")
    try:
        return Worklist(
            str(name),
            condition=condition,
            sort=sort,
            page_size=data.get("page_size", 50),
            title=str(data.get("title", "")),
        )
    except ValidationError as err:
        raise LoadError([Problem(err.path or (), err.message)], what="worklist") from None


# Stages a lead reaches only once sales took it (accepted, qualified, closed).
_ACCEPTED = ["sal", "sgl", "sql", "won", "lost", "disqualified"]


def _builtins() -> dict[str, Worklist]:
    open_lead = (field("is_converted") == False) & (field("is_merged") == False)  # noqa: E712
    closed = ["Closed - Converted", "Closed - Not Converted"]
    open_lead = open_lead & field("status").not_in(closed)
    owned = field("owner.kind") == "user"
    answered = events(DONE)
    return {
        "untouched-mqls": Worklist(
            "untouched-mqls",
            title="MQLs nobody touched for two days (2日間未接触のMQL)",
            condition=open_lead
            & events(STAGE_EVENT).where(prop("stage") == "mql")
            & field("created_at").older_than(days=2)
            & ~events(DONE).within(days=2),
            sort=["created_at"],
        ),
        "unanswered": Worklist(
            "unanswered",
            title="Leads nobody has answered (対応漏れ)",
            condition=open_lead & owned & ~answered,
            sort=["created_at"],
        ),
        "double-handled": Worklist(
            "double-handled",
            title="Leads touched by two reps (重複対応)",
            condition=open_lead & (events(REP).count() >= 2),
            sort=["-created_at"],
        ),
        "hot-not-accepted": Worklist(
            "hot-not-accepted",
            title="Hot leads (priority A1-B2) not yet accepted (未受付のホットリード)",
            condition=open_lead
            & field(f"custom.{PRIORITY_FIELD}").is_in(["A1", "A2", "B1", "B2"])
            & ~events(STAGE_EVENT).where(prop("stage").is_in(_ACCEPTED))
            & (field("status") == "Open - Not Contacted"),
            sort=["created_at"],
        ),
    }


BUILTIN_WORKLISTS: Mapping[str, Worklist] = _builtins()
"""The built-in worklists by name (see the "Worklists" page of the docs)."""

PLAIN_CODECS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    # mapping_codec: a string given to structure() is data, never a file name to open.
    "Worklist": mapping_codec(dump_worklist, lambda data: load_worklist(data), what="worklist"),
}
"""How the one converter writes and reads worklists (see :mod:`leadkit.io`)."""
