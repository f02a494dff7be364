"""A columnar batch of engagement events: millions of events without millions of objects."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, overload

from leadkit.errors import ValidationError
from leadkit.model._entities import EngagementEvent
from leadkit.model._ids import new_id
from leadkit.model._validators import text_problem
from leadkit.model._values import CustomValue

__all__ = ["EventBatch", "build_many"]

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class EventBatch(Sequence[EngagementEvent]):
    """Engagement events of leads held as columns, validated a column at a time.

    A table of events read from Parquet, a warehouse or a DataFrame is already columnar;
    building an :class:`EngagementEvent` per row costs far more than scoring it.
    An ``EventBatch`` keeps the columns, checks each one once (every distinct kind and
    lead id is validated exactly as :class:`EngagementEvent` validates it, every time
    is aware or a finite number of POSIX seconds), and is a sequence of events:
    indexing or iterating builds the same :class:`EngagementEvent` objects the rows
    describe, so anything that takes events takes a batch. Batch scoring
    (:meth:`leadkit.scoring.ScoringModel.score_many`) reads the columns directly when
    no rule needs the event objects, and gives the same totals to the last bit.

    ``occurred_at`` holds aware datetimes or POSIX seconds (the form Parquet and
    DuckDB hand over); ``ids`` defaults to fresh ids from the active id factory,
    drawn once, so a batch always yields the same events.

    >>> from datetime import datetime, UTC
    >>> batch = EventBatch(
    ...     lead_ids=["lead-1", "lead-1", "lead-2"],
    ...     kinds=["email_open", "page_view", "email_open"],
    ...     occurred_at=[1_777_000_000, 1_777_003_600, datetime(2026, 5, 1, tzinfo=UTC)],
    ...     ids=["e1", "e2", "e3"],
    ... )
    >>> len(batch), batch[1].kind, batch[0].occurred_at.year
    (3, 'page_view', 2026)
    >>> EventBatch(lead_ids=["lead-1"], kinds=[""], occurred_at=[0.0])
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: kinds[0]: must not be empty
    """

    __slots__ = ("_ids", "_kinds", "_lead_ids", "_occurred_at", "_properties", "_timestamps")

    def __init__(
        self,
        *,
        lead_ids: Sequence[str],
        kinds: Sequence[str],
        occurred_at: Sequence[datetime | float],
        ids: Sequence[str] | None = None,
        properties: Sequence[Mapping[str, CustomValue | None] | None] | None = None,
    ) -> None:
        lead_ids = _column("lead_ids", lead_ids)
        count = len(lead_ids)
        kinds = _column("kinds", kinds, count)
        times = _column("occurred_at", occurred_at, count)
        self._lead_ids: tuple[str, ...] = _checked_lead_ids(lead_ids)
        self._kinds: tuple[str, ...] = _checked_kinds(kinds)
        stamps, occurred = _checked_times(times)
        self._timestamps: tuple[float, ...] = stamps
        self._occurred_at: Callable[[int], datetime] = occurred
        self._ids: tuple[str, ...] | None = None
        if ids is not None:
            self._ids = _column("ids", ids, count)
            _check_ids(self._ids)
        self._properties: tuple[Mapping[str, CustomValue | None] | None, ...] | None = None
        if properties is not None:
            self._properties = _column("properties", properties, count)
            for i, value in enumerate(self._properties):
                if value is not None and not isinstance(value, Mapping):
                    raise ValidationError(
                        f"expected a mapping or None, got {type(value).__name__}",
                        path=f"properties[{i}]",
                    )

    # -- columns ---------------------------------------------------------------------------

    @property
    def lead_ids(self) -> tuple[str, ...]:
        """The lead each event belongs to, row by row."""
        return self._lead_ids

    @property
    def kinds(self) -> tuple[str, ...]:
        """Each event's kind, as :attr:`EngagementEvent.kind` stores it."""
        return self._kinds

    @property
    def timestamps(self) -> tuple[float, ...]:
        """Each event's time as POSIX seconds (:attr:`EngagementEvent.timestamp`)."""
        return self._timestamps

    @property
    def has_properties(self) -> bool:
        """Whether any event carries properties (a URL, an asset, a campaign ...)."""
        return self._properties is not None and any(self._properties)

    # -- the sequence of events ------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._lead_ids)

    @overload
    def __getitem__(self, index: int) -> EngagementEvent: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EngagementEvent]: ...

    def __getitem__(self, index: int | slice) -> EngagementEvent | Sequence[EngagementEvent]:
        if isinstance(index, slice):
            return [self._event(i) for i in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("EventBatch index out of range")
        return self._event(index)

    def __iter__(self) -> Iterator[EngagementEvent]:
        return (self._event(i) for i in range(len(self)))

    def __repr__(self) -> str:
        return f"EventBatch({len(self):,} events)"

    def _event(self, i: int) -> EngagementEvent:
        ids = self._ids
        if ids is None:
            ids = self._ids = tuple(new_id("event") for _ in range(len(self)))
        props = self._properties[i] if self._properties is not None else None
        return EngagementEvent(
            id=ids[i],
            kind=self._kinds[i],
            lead_id=self._lead_ids[i],
            occurred_at=self._occurred_at(i),
            properties=props,
        )

    def rows(self) -> Iterator[tuple[str, str, float]]:
        """``(kind, lead id, POSIX seconds)`` per event: what batch scoring reads."""
        return zip(self._kinds, self._lead_ids, self._timestamps, strict=True)


def _column(name: str, values: Sequence[Any], count: int | None = None) -> tuple[Any, ...]:
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ValidationError(f"expected a sequence, got {type(values).__name__}", path=name)
    column = tuple(values)
    if count is not None and len(column) != count:
        raise ValidationError(
            f"has {len(column):,} values, lead_ids has {count:,}: columns must be as long",
            path=name,
        )
    return column


def _probe(name: str, index: int, **fields: Any) -> EngagementEvent:
    """Validate one value exactly as :class:`EngagementEvent` does; errors name the row."""
    values: dict[str, Any] = {"id": "probe", "kind": "probe", "lead_id": "probe"}
    values["occurred_at"] = _EPOCH
    values.update(fields)
    try:
        return EngagementEvent(**values)
    except ValidationError as exc:
        raise ValidationError(exc.message, path=(name, index), code=exc.code) from None


def _checked_kinds(kinds: tuple[Any, ...]) -> tuple[str, ...]:
    stored: dict[Any, str] = {}
    for i, kind in enumerate(kinds):
        if kind not in stored:
            stored[kind] = _probe("kinds", i, kind=kind).kind
    if all(stored[k] is k for k in stored):
        return kinds
    return tuple(stored[k] for k in kinds)


def _checked_lead_ids(lead_ids: tuple[Any, ...]) -> tuple[str, ...]:
    """Each distinct id checked once, stored as :class:`EngagementEvent` stores it (stripped)."""
    stored: dict[Any, str] = {}
    for i, lead_id in enumerate(lead_ids):
        if lead_id in stored:
            continue
        text = lead_id.strip() if isinstance(lead_id, str) else ""
        if not text:
            raise ValidationError(f"expected a lead id, got {lead_id!r}", path=("lead_ids", i))
        problem = text_problem(text)
        if problem is not None:
            raise ValidationError(problem, path=("lead_ids", i))
        stored[lead_id] = text
    if all(stored[k] is k for k in stored):
        return lead_ids
    return tuple(stored[k] for k in lead_ids)


def _check_ids(ids: tuple[Any, ...]) -> None:
    for i, value in enumerate(ids):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"expected an event id, got {value!r}", path=f"ids[{i}]")


def _checked_times(
    times: tuple[Any, ...],
) -> tuple[tuple[float, ...], Callable[[int], datetime]]:
    if set(map(type, times)) <= {float, int}:  # POSIX seconds, the columnar form
        column = tuple(map(float, times))
        if all(map(math.isfinite, column)):
            return column, lambda i: datetime.fromtimestamp(column[i], UTC)
    stamps: list[float] = []
    for i, value in enumerate(times):
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ValidationError(
                    f"expected a finite number of seconds, got {value!r}",
                    path=("occurred_at", i),
                )
            stamps.append(float(value))
        elif isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValidationError(
                    "must be timezone-aware (a naive datetime is ambiguous)",
                    path=("occurred_at", i),
                )
            stamps.append(value.timestamp())
        else:
            raise ValidationError(
                f"expected an aware datetime or POSIX seconds, got {type(value).__name__}",
                path=("occurred_at", i),
            )
    mixed = tuple(stamps)

    def at(i: int) -> datetime:
        value = times[i]
        return value if isinstance(value, datetime) else datetime.fromtimestamp(mixed[i], UTC)

    return mixed, at


def build_many(cls: type[T], rows: Iterable[Mapping[str, Any]]) -> list[T]:
    """Build a record of ``cls`` from each mapping of field values, as ``cls(**row)``
    would: the same defaults, converters, validators and checks, with each distinct
    value of a field checked once (a column of statuses, countries or owners is checked
    once per distinct value, not once per record). The bulk path for records from a
    columnar source: Parquet, a warehouse, a DataFrame's rows.

    A bad row raises the error ``cls(**row)`` raises, its path prefixed with the row's
    position.

    >>> from leadkit.model import Address
    >>> [a.country for a in build_many(Address, [{"country": "JP"}, {"country": "jp"}])]
    ['JP', 'JP']
    >>> try:
    ...     build_many(Address, [{"country": "JP"}, {"postal_code": "12", "country": "JP"}])
    ... except ValidationError as error:
    ...     print(error.path)
    (1, 'Address', 'postal_code')
    """
    from leadkit.model._trusted import trusted_builder

    builder: Callable[..., Any] = trusted_builder(cls) or cls
    out: list[T] = []
    append = out.append
    for i, row in enumerate(rows):
        try:
            append(builder(**row))
        except (ValidationError, TypeError):
            try:
                cls(**row)  # the error the class itself gives, first problem first
            except ValidationError as exc:
                raise exc.at(i) from None
            raise
    return out
