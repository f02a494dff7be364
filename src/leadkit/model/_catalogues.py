"""Lead statuses and lead sources as data, not as code.

Every CRM lets an administrator rename statuses and add sources; leadkit does too. A
:class:`StatusCatalogue` says which statuses exist, which one new leads get and which
count as converted or closed. A :class:`SourceCatalogue` tags each source with the
channel that generated it (marketing or sales), which the lifecycle stages use to tell
an SGL from an MQL.

The catalogue in force is a context setting (like :mod:`decimal`'s context): leads are
checked against it when they are built, so an unknown status fails early.

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

__all__ = [
    "DEFAULT_SOURCES",
    "DEFAULT_STATUSES",
    "Channel",
    "LeadSource",
    "LeadStatus",
    "SourceCatalogue",
    "StatusCatalogue",
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


@attrs.frozen(slots=True)
class StatusCatalogue:
    """The lead statuses in use: exactly one default, at least one converted."""

    statuses: tuple[LeadStatus, ...] = attrs.field(
        converter=_statuses_tuple, validator=_check_statuses
    )

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

    def get(self, api_name: str) -> LeadStatus:
        """The status called ``api_name``; a ``ValidationError`` (code ``unknown_status``)
        if there is none."""
        for status in self.statuses:
            if status.api_name == api_name:
                return status
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
            for name in (source.api_name, source.label_ja):
                if name:
                    index[normalise_text(name)] = source
        object.__setattr__(self, "_index", index)

    def __iter__(self) -> Iterator[LeadSource]:
        return iter(self.sources)

    def find(self, name: str) -> LeadSource | None:
        """The standard source ``name`` stands for (api name or Japanese label), if any."""
        return self._index.get(normalise_text(name))

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

_statuses: ContextVar[StatusCatalogue] = ContextVar("leadkit_statuses", default=DEFAULT_STATUSES)
_sources: ContextVar[SourceCatalogue] = ContextVar("leadkit_sources", default=DEFAULT_SOURCES)


def active_statuses() -> StatusCatalogue:
    """The status catalogue in force (the default one unless changed)."""
    return _statuses.get()


def active_sources() -> SourceCatalogue:
    """The source catalogue in force (the default one unless changed)."""
    return _sources.get()


@contextmanager
def use_catalogues(
    *, statuses: StatusCatalogue | None = None, sources: SourceCatalogue | None = None
) -> Iterator[None]:
    """Put custom catalogues in force inside the ``with`` block.

    >>> from leadkit.model import LeadStatus, StatusCatalogue, use_catalogues, active_statuses
    >>> mine = StatusCatalogue([LeadStatus("New", "New", is_default=True),
    ...                         LeadStatus("Won", "Won", is_converted=True, is_closed=True)])
    >>> with use_catalogues(statuses=mine):
    ...     active_statuses().default.api_name
    'New'
    """
    status_token = _statuses.set(statuses) if statuses is not None else None
    source_token = _sources.set(sources) if sources is not None else None
    try:
        yield
    finally:
        if source_token is not None:
            _sources.reset(source_token)
        if status_token is not None:
            _statuses.reset(status_token)
