"""Lead statuses and lead sources as data, not as code.

Every CRM lets an administrator rename statuses and add sources; leadkit does too. A
:class:`StatusCatalogue` says which statuses exist, which one new leads get and which
count as converted or closed. A :class:`SourceCatalogue` tags each source with the
channel that generated it (marketing or sales), which the lifecycle stages use to tell
an SGL from an MQL.

The catalogues in force are a context setting (like :mod:`decimal`'s context): leads are
checked against them when they are built, so an unknown status fails early. A store
keeps its own :class:`Catalogues` in its configuration and puts them in force inside
each unit of work, so what was saved under a custom catalogue reads back anywhere.

>>> from leadkit.model import DEFAULT_STATUSES
>>> DEFAULT_STATUSES.default.api_name
'Open - Not Contacted'
>>> [s.api_name for s in DEFAULT_STATUSES.converted]
['Closed - Converted']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

from leadkit.errors import ValidationError
from leadkit.model import _validators as v
from leadkit.model._normalise import normalise_text
from leadkit.model._picklists import (
    DEFAULT_ACTIVITY_OUTCOMES,
    DEFAULT_OPPORTUNITY_STAGES,
    DEFAULT_REJECTION_REASONS,
    OpportunityStageCatalogue,
    OutcomeCatalogue,
    ReasonCatalogue,
)

__all__ = [
    "DEFAULT_CATALOGUES",
    "DEFAULT_SOURCES",
    "DEFAULT_STATUSES",
    "DEFAULT_STATUS_POLICY",
    "Catalogues",
    "Channel",
    "LeadSource",
    "LeadStatus",
    "SourceCatalogue",
    "StatusCatalogue",
    "StatusEvent",
    "StatusPolicy",
    "active_catalogues",
    "active_sources",
    "active_statuses",
    "use_catalogues",
]


@attrs.frozen(slots=True)
class LeadStatus:
    """One value of the lead status picklist."""

    api_name: str = attrs.field(validator=v.non_empty_str(max_length=80))
    label: str = attrs.field(validator=v.non_empty_str())
    is_default: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    is_converted: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    is_closed: bool = attrs.field(default=False, kw_only=True, validator=v.instance_of(bool))
    labels: tuple[str, ...] = attrs.field(
        default=(), converter=tuple, kw_only=True, validator=v.each(v.non_empty_str())
    )
    """Other names the status is known by (a CRM's export, another language); the status
    is matched by its api name, its label or any of these."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this status is matched by: api name, label, other labels."""
        return (self.api_name, self.label, *self.labels)


def _statuses_tuple(value: Iterable[LeadStatus]) -> tuple[LeadStatus, ...]:
    return tuple(value)


def _sources_tuple(value: Iterable[LeadSource]) -> tuple[LeadSource, ...]:
    return tuple(value)


def _check_statuses(
    instance: StatusCatalogue,
    attribute: attrs.Attribute[tuple[LeadStatus, ...]],
    value: tuple[LeadStatus, ...],
) -> None:
    for item in value:
        if not isinstance(item, LeadStatus):
            raise ValidationError(
                f"expected LeadStatus, got {type(item).__name__}", path="StatusCatalogue.statuses"
            )
    names = [s.api_name for s in value]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValidationError(f"duplicate status {dupes}", path="StatusCatalogue.statuses")
    defaults = [s.api_name for s in value if s.is_default]
    if len(defaults) != 1:
        raise ValidationError(
            f"exactly one status must be the default, found {defaults or 'none'}",
            path="StatusCatalogue.statuses",
        )
    if not any(s.is_converted for s in value):
        raise ValidationError(
            "at least one status must count as converted", path="StatusCatalogue.statuses"
        )
    seen: dict[str, str] = {}
    for status in value:
        for name in {normalise_text(n) for n in status.names}:
            other = seen.setdefault(name, status.api_name)
            if other != status.api_name:
                raise ValidationError(
                    f"the name {name!r} stands for both {other!r} and {status.api_name!r}",
                    path="StatusCatalogue.statuses",
                )


class StatusEvent(enum.StrEnum):
    """What happened to a lead, for the :class:`StatusPolicy` to map to a status."""

    FIRST_ACTIVITY = "first_activity"
    """The first completed activity (a call made, an e-mail sent, a meeting held)."""
    MQL_ACCEPTED = "mql_accepted"
    MQL_REJECTED = "mql_rejected"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"
    QUALIFIED = "qualified"
    CONVERTED = "converted"


def _status_name(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None:
        v.non_empty_str(max_length=80)(instance, attribute, value)


def _policy_field() -> str | None:
    value: str | None = attrs.field(default=None, kw_only=True, validator=_status_name)
    return value


@attrs.frozen(slots=True)
class StatusPolicy:
    """Which status each event moves a lead to (``None``: the event leaves the status).

    Data, like the catalogue it belongs to: ``[statuses.policy]`` in a catalogue file.
    ``first_activity`` moves only a lead still in the default status; ``converted`` names
    the status conversion gives (``None``: the catalogue's first converting status).
    """

    first_activity: str | None = _policy_field()
    mql_accepted: str | None = _policy_field()
    mql_rejected: str | None = _policy_field()
    recycled: str | None = _policy_field()
    disqualified: str | None = _policy_field()
    qualified: str | None = _policy_field()
    converted: str | None = _policy_field()

    def status_for(self, event: StatusEvent) -> str | None:
        """The status ``event`` moves a lead to, if any."""
        value: str | None = getattr(self, StatusEvent(event).value)
        return value


DEFAULT_STATUS_POLICY = StatusPolicy(
    first_activity="Working - Contacted",
    mql_rejected="Nurturing",
    recycled="Nurturing",
    disqualified="Closed - Not Converted",
)
"""The policy of the default catalogue (Salesforce's default lead statuses): the first
call moves 未対応 to 対応中, a rejected or recycled MQL goes to 育成中, a disqualified lead
is closed as not converted."""


def _check_policy(
    instance: StatusCatalogue, attribute: attrs.Attribute[StatusPolicy | None], value: object
) -> None:
    if value is None:
        return
    if not isinstance(value, StatusPolicy):
        raise ValidationError(
            f"expected a StatusPolicy, got {type(value).__name__}", path="StatusCatalogue.policy"
        )
    known = {s.api_name: s for s in instance.statuses}
    for event in StatusEvent:
        name = value.status_for(event)
        if name is None:
            continue
        where = ("StatusCatalogue", "policy", event.value)
        if name not in known:
            raise ValidationError(
                f"unknown status {name!r}; known statuses: {', '.join(map(repr, known))}",
                path=where,
                code="unknown_status",
            )
        if known[name].is_converted is not (event is StatusEvent.CONVERTED):
            wanted = "a converting" if event is StatusEvent.CONVERTED else "a non-converting"
            raise ValidationError(f"{name!r} is not {wanted} status", path=where)


@attrs.frozen(slots=True)
class StatusCatalogue:
    """The lead statuses in use: exactly one default, at least one converted."""

    statuses: tuple[LeadStatus, ...] = attrs.field(
        converter=_statuses_tuple, validator=_check_statuses
    )
    policy: StatusPolicy | None = attrs.field(default=None, kw_only=True, validator=_check_policy)
    """Which events move which status; ``None``: the default policy, for the statuses
    of it this catalogue has."""

    def __iter__(self) -> Iterator[LeadStatus]:
        return iter(self.statuses)

    def __contains__(self, api_name: object) -> bool:
        return any(s.api_name == api_name for s in self.statuses)

    @property
    def default(self) -> LeadStatus:
        """The status new leads get."""
        return next(s for s in self.statuses if s.is_default)

    @property
    def converted(self) -> tuple[LeadStatus, ...]:
        """Statuses that mark a lead as converted."""
        return tuple(s for s in self.statuses if s.is_converted)

    def find(self, name: str) -> LeadStatus | None:
        """The status ``name`` stands for: its api name, its label or one of its labels
        (compared after NFKC normalisation and case folding), if any.

        >>> DEFAULT_STATUSES.find("未対応").api_name
        'Open - Not Contacted'
        """
        if not isinstance(name, str):
            return None
        for status in self.statuses:
            if status.api_name == name:
                return status
        key = normalise_text(name)
        for status in self.statuses:
            if any(normalise_text(n) == key for n in status.names):
                return status
        return None

    def status_for(self, event: StatusEvent) -> str | None:
        """The status ``event`` moves a lead to under this catalogue's policy, if any."""
        event = StatusEvent(event)
        if self.policy is not None:
            named = self.policy.status_for(event)
        else:
            named = DEFAULT_STATUS_POLICY.status_for(event)
            named = named if named in self else None
        if event is StatusEvent.CONVERTED and named is None:
            return self.converted[0].api_name
        return named

    def get(self, api_name: str) -> LeadStatus:
        """The status called ``api_name`` (or labelled so); a ``ValidationError`` (code
        ``unknown_status``) if there is none."""
        found = self.find(api_name)
        if found is not None:
            return found
        known = ", ".join(repr(s.api_name) for s in self.statuses)
        raise ValidationError(
            f"unknown status {api_name!r}; known statuses: {known}", code="unknown_status"
        )


DEFAULT_STATUSES = StatusCatalogue(
    (
        LeadStatus("Open - Not Contacted", "未対応", is_default=True),
        LeadStatus("Working - Contacted", "対応中"),
        LeadStatus("Nurturing", "育成中"),
        LeadStatus("Closed - Converted", "取引開始済み", is_converted=True, is_closed=True),
        LeadStatus("Closed - Not Converted", "クローズ（不成立）", is_closed=True),
    )
)


class Channel(enum.Enum):
    """Which side of the house generated a lead."""

    MARKETING = "marketing"
    SALES = "sales"


@attrs.frozen(slots=True)
class LeadSource:
    """One lead source value with its channel and a Japanese label."""

    api_name: str = attrs.field(validator=v.non_empty_str(max_length=80))
    channel: Channel = attrs.field(validator=v.instance_of(Channel))
    label_ja: str | None = attrs.field(default=None, kw_only=True)
    labels: tuple[str, ...] = attrs.field(
        default=(), converter=tuple, kw_only=True, validator=v.each(v.non_empty_str())
    )
    """Other names the source is known by; it is matched by any of them."""


@attrs.frozen(slots=True)
class SourceCatalogue:
    """The standard lead sources. Any other string is a custom source with no channel.

    >>> from leadkit.model import DEFAULT_SOURCES, Channel
    >>> DEFAULT_SOURCES.channel_of("Cold Call")
    <Channel.SALES: 'sales'>
    >>> DEFAULT_SOURCES.channel_of("展示会")  # Japanese labels are recognised too
    <Channel.MARKETING: 'marketing'>
    >>> DEFAULT_SOURCES.channel_of("Podcast") is None
    True
    """

    sources: tuple[LeadSource, ...] = attrs.field(converter=_sources_tuple)
    _index: dict[str, LeadSource] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, LeadSource] = {}
        for source in self.sources:
            for name in (source.api_name, source.label_ja, *source.labels):
                if name:
                    index[normalise_text(name)] = source
        object.__setattr__(self, "_index", index)

    def __iter__(self) -> Iterator[LeadSource]:
        return iter(self.sources)

    def find(self, name: str) -> LeadSource | None:
        """The standard source ``name`` stands for (api name or Japanese label), if any."""
        return self._index.get(normalise_text(name))

    def canonical(self, name: str) -> str:
        """The api name of the standard source ``name`` stands for, else ``name`` as
        given (a custom source).

        >>> DEFAULT_SOURCES.canonical("展示会"), DEFAULT_SOURCES.canonical("Podcast")
        ('Trade Show', 'Podcast')
        """
        found = self.find(name)
        return found.api_name if found is not None else name

    def channel_of(self, name: str | None) -> Channel | None:
        """The channel of a source, or ``None`` for a custom or missing source."""
        if not name:
            return None
        source = self.find(name)
        return source.channel if source else None


_M, _S = Channel.MARKETING, Channel.SALES
DEFAULT_SOURCES = SourceCatalogue(
    (
        LeadSource("Web", _M, label_ja="Webフォーム"),
        LeadSource("Phone Inquiry", _M, label_ja="電話問い合わせ"),
        LeadSource("Partner Referral", _M, label_ja="パートナー紹介"),
        LeadSource("Purchased List", _M, label_ja="購入リスト"),
        LeadSource("Trade Show", _M, label_ja="展示会"),
        LeadSource("Newsletter", _M, label_ja="メルマガ"),
        LeadSource("Seminar", _M, label_ja="セミナー"),
        LeadSource("Webinar", _M, label_ja="ウェビナー"),
        LeadSource("Advertisement", _M, label_ja="広告"),
        LeadSource("Cold Call", _S, label_ja="テレアポ"),
        LeadSource("Walk-in", _S, label_ja="飛び込み"),
        LeadSource("Referral", _S, label_ja="紹介"),
        LeadSource("Other", _M, label_ja="その他"),
    )
)


@attrs.frozen(slots=True)
class Catalogues:
    """Every catalogue a store works with: statuses (with their policy), sources,
    rejection reasons, activity outcomes and opportunity stages. Saved with the store
    (``uow.save_catalogues``), read from a file with ``leadkit.io.load_catalogues``.

    >>> Catalogues().statuses.default.api_name
    'Open - Not Contacted'
    """

    statuses: StatusCatalogue = attrs.field(
        default=DEFAULT_STATUSES, kw_only=True, validator=v.instance_of(StatusCatalogue)
    )
    sources: SourceCatalogue = attrs.field(
        default=DEFAULT_SOURCES, kw_only=True, validator=v.instance_of(SourceCatalogue)
    )
    rejection_reasons: ReasonCatalogue = attrs.field(
        default=DEFAULT_REJECTION_REASONS, kw_only=True, validator=v.instance_of(ReasonCatalogue)
    )
    activity_outcomes: OutcomeCatalogue = attrs.field(
        default=DEFAULT_ACTIVITY_OUTCOMES, kw_only=True, validator=v.instance_of(OutcomeCatalogue)
    )
    opportunity_stages: OpportunityStageCatalogue = attrs.field(
        default=DEFAULT_OPPORTUNITY_STAGES,
        kw_only=True,
        validator=v.instance_of(OpportunityStageCatalogue),
    )


DEFAULT_CATALOGUES = Catalogues()

_catalogues: ContextVar[Catalogues] = ContextVar("leadkit_catalogues", default=DEFAULT_CATALOGUES)


def active_catalogues() -> Catalogues:
    """The catalogues in force (the defaults, a store's inside its unit of work, or those
    of a :func:`use_catalogues` block)."""
    return _catalogues.get()


def active_statuses() -> StatusCatalogue:
    """The status catalogue in force (the default one unless changed)."""
    return _catalogues.get().statuses


def active_sources() -> SourceCatalogue:
    """The source catalogue in force (the default one unless changed)."""
    return _catalogues.get().sources


@contextmanager
def use_catalogues(
    catalogues: Catalogues | None = None,
    *,
    statuses: StatusCatalogue | None = None,
    sources: SourceCatalogue | None = None,
    rejection_reasons: ReasonCatalogue | None = None,
    activity_outcomes: OutcomeCatalogue | None = None,
    opportunity_stages: OpportunityStageCatalogue | None = None,
) -> Iterator[None]:
    """Put custom catalogues in force inside the ``with`` block: ``catalogues`` as a
    whole, then any one given by keyword in place of its part. A store puts its own
    catalogues in force inside each unit of work, so most code never needs this.

    >>> from leadkit.model import LeadStatus, StatusCatalogue, use_catalogues, active_statuses
    >>> mine = StatusCatalogue([LeadStatus("New", "New", is_default=True),
    ...                         LeadStatus("Won", "Won", is_converted=True, is_closed=True)])
    >>> with use_catalogues(statuses=mine):
    ...     active_statuses().default.api_name
    'New'
    """
    base = _catalogues.get() if catalogues is None else catalogues
    if not isinstance(base, Catalogues):
        raise ValidationError(
            f"expected Catalogues, got {type(base).__name__}", path="use_catalogues.catalogues"
        )
    given = {
        "statuses": statuses,
        "sources": sources,
        "rejection_reasons": rejection_reasons,
        "activity_outcomes": activity_outcomes,
        "opportunity_stages": opportunity_stages,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    token = _catalogues.set(attrs.evolve(base, **changes) if changes else base)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _catalogues.reset(token)
