"""Hypothesis strategies for every public model type (needs ``leadkit[testing]``).

Use them to test your own rules, adapters and integrations::

    from hypothesis import given
    from leadkit.testing import strategies as lks

    @given(lks.leads())
    def test_my_rule_never_crashes(lead):
        my_rule(lead)

Every strategy builds valid objects only; ids are unique per draw sequence. Text mixes
Japanese and Latin script so that normalisation paths are exercised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from leadkit.model import (
    DEFAULT_SOURCES,
    DEFAULT_STATUSES,
    PREFECTURES,
    Account,
    Address,
    Campaign,
    CampaignMember,
    CampaignStatus,
    Contact,
    CustomFields,
    EngagementEvent,
    Event,
    EventKind,
    Lead,
    LeadConversion,
    LeadSource,
    LeadStatus,
    Money,
    NameOrder,
    Opportunity,
    OwnerKind,
    OwnerRef,
    PersonName,
    Priority,
    Queue,
    Rating,
    SourceCatalogue,
    StatusCatalogue,
    Task,
    TaskStatus,
    User,
)

__all__ = [
    "accounts",
    "addresses",
    "aware_datetimes",
    "calendar_events",
    "campaign_members",
    "campaigns",
    "contacts",
    "custom_fields",
    "engagement_events",
    "ids",
    "lead_conversions",
    "leads",
    "money",
    "opportunities",
    "owners",
    "person_names",
    "queues",
    "recorded_decisions",
    "source_catalogues",
    "stage_histories",
    "status_catalogues",
    "tasks",
    "users",
]

_JA_FAMILY = ["山田", "佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "中村", "小林", "加藤"]
_JA_GIVEN = ["太郎", "花子", "一郎", "直子", "健", "美咲", "翔太", "陽菜", "大輔", "由美"]
_EN_FAMILY = ["Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor"]
_EN_GIVEN = ["John", "Mary", "James", "Linda", "Robert", "Susan", "Michael", "Karen"]
_COMPANIES = ["株式会社サンプル", "ABC Co., Ltd.", "(株)山田製作所", "Acme Inc.", "Contoso LLC"]
_TITLES = ["営業部長", "課長", "Sales Director", "CEO", "Engineer", "インターン", "VP Sales"]
_INDUSTRIES = ["製造業", "情報通信業", "Manufacturing", "IT", "Finance", "Retail"]

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")


def ids(kind: str = "rec") -> st.SearchStrategy[str]:
    """Opaque id strings such as ``lead-3f9a``."""
    return st.uuids().map(lambda u: f"{kind}-{u.hex[:12]}")


def aware_datetimes(
    *, min_value: datetime | None = None, max_value: datetime | None = None
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in UTC or JST (or a whole-hour offset), 2000-2040."""
    lo = (min_value or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
    hi = (max_value or datetime(2040, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(tzinfo=None)
    zones = st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5))])
    return st.builds(
        lambda naive, tz: naive.replace(tzinfo=UTC).astimezone(tz),
        st.datetimes(min_value=lo, max_value=hi),
        zones,
    )


def _dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def money(*, currency: str | None = None) -> st.SearchStrategy[Money]:
    """Money in JPY (whole yen) or USD/EUR (cents)."""

    def build(cur: str, units: int) -> Money:
        if cur == "JPY":
            return Money(units, cur)
        return Money(Decimal(units).scaleb(-2), cur)

    currencies = st.just(currency) if currency else st.sampled_from(["JPY", "USD", "EUR"])
    return st.builds(build, currencies, st.integers(min_value=0, max_value=10**13))


def person_names() -> st.SearchStrategy[PersonName]:
    """Japanese and Western names, sometimes without a given name or with kana."""
    japanese = st.builds(
        lambda fam, giv, kana: PersonName(fam, giv, family_kana="ヤマダ" if kana else None),
        st.sampled_from(_JA_FAMILY),
        st.none() | st.sampled_from(_JA_GIVEN),
        st.booleans(),
    )
    western = st.builds(
        PersonName, st.sampled_from(_EN_FAMILY) | _text, st.none() | st.sampled_from(_EN_GIVEN)
    )
    explicit = st.builds(
        PersonName,
        st.sampled_from(_EN_FAMILY),
        st.sampled_from(_EN_GIVEN),
        order=st.sampled_from(list(NameOrder)),
    )
    return japanese | western | explicit


def addresses() -> st.SearchStrategy[Address]:
    """Japanese addresses (prefecture, postal code) and others, some fields missing."""
    jp = st.builds(
        Address,
        country=st.just("JP"),
        state=st.none() | st.sampled_from([p.name for p in PREFECTURES]),
        city=st.none() | st.sampled_from(["千代田区", "大阪市北区", "横浜市"]),
        street=st.none() | _text,
        postal_code=st.none()
        | st.integers(0, 9_999_999).map(lambda n: f"{n // 10000:03d}-{n % 10000:04d}"),
    )
    other = st.builds(
        Address,
        country=st.none() | st.sampled_from(["US", "GB", "DE", "SG"]),
        state=st.none() | st.sampled_from(["CA", "NY", "TX"]),
        city=st.none() | _text,
        street=st.none() | _text,
        postal_code=st.none() | st.from_regex(r"\A[0-9]{5}\Z"),
    )
    return jp | other


_identifiers = st.from_regex(r"\A[a-z][a-z0-9_]{0,11}\Z")


def custom_fields() -> st.SearchStrategy[CustomFields]:
    """Custom field mappings with every kind of scalar value."""
    values: st.SearchStrategy[Any] = st.one_of(
        _text,
        st.integers(-(10**12), 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
        _dates(),
        aware_datetimes(),
    )
    return st.dictionaries(_identifiers, values, max_size=4).map(CustomFields)


def owners() -> st.SearchStrategy[OwnerRef]:
    """Owners: users and queues."""
    return st.builds(OwnerRef, st.sampled_from(list(OwnerKind)), ids("owner"))


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def lead_conversions() -> st.SearchStrategy[LeadConversion]:
    """Conversion records as a converted lead carries them."""
    return st.builds(
        LeadConversion,
        converted_at=aware_datetimes(),
        status=st.just("Closed - Converted"),
        account_id=ids("account"),
        contact_id=ids("contact"),
        opportunity_id=_opt(ids("opportunity")),
    )


def _emails() -> st.SearchStrategy[str]:
    return st.builds(
        "{}@{}".format,
        st.from_regex(r"\A[a-z][a-z0-9._]{0,10}[a-z0-9]\Z"),
        st.sampled_from(["example.co.jp", "gmail.com", "acme.com", "sample.jp"]),
    )


def leads(*, converted: bool | None = None) -> st.SearchStrategy[Lead]:
    """Valid leads under the default catalogues. ``converted`` forces either kind."""
    statuses = [s.api_name for s in DEFAULT_STATUSES if not s.is_converted]
    conversion: st.SearchStrategy[Any]
    if converted is True:
        conversion = lead_conversions()
    elif converted is False:
        conversion = st.none()
    else:
        conversion = _opt(lead_conversions())

    def build(lead: Lead, conv: LeadConversion | None) -> Lead:
        if conv is None:
            return lead
        return Lead(**{**_as_kwargs(lead), "conversion": conv, "status": conv.status})

    base = st.builds(
        Lead,
        id=ids("lead"),
        name=person_names(),
        company=st.sampled_from(_COMPANIES) | _text,
        title=_opt(st.sampled_from(_TITLES)),
        department=_opt(_text),
        email=_opt(_emails()),
        phone=_opt(st.sampled_from(["03-1234-5678", "+81 6 1234 5678", "(555) 123-4567"])),
        mobile=_opt(st.just("090-1234-5678")),
        website=_opt(st.just("https://example.co.jp")),
        industry=_opt(st.sampled_from(_INDUSTRIES)),
        employees=_opt(st.integers(0, 500_000)),
        annual_revenue=_opt(money()),
        address=addresses(),
        lead_source=_opt(st.sampled_from([s.api_name for s in DEFAULT_SOURCES]) | _text),
        status=st.sampled_from(statuses),
        owner=_opt(owners()),
        rating=_opt(st.sampled_from(list(Rating))),
        email_opt_out=st.booleans(),
        do_not_call=st.booleans(),
        description=_opt(_text),
        created_at=aware_datetimes(),
        custom=custom_fields(),
        master_record_id=_opt(ids("lead")),
        version=st.integers(0, 1000),
    )
    return st.builds(build, base, conversion)


def _as_kwargs(record: Any) -> dict[str, Any]:
    import attrs

    return {a.name: getattr(record, a.name) for a in attrs.fields(type(record))}


def accounts() -> st.SearchStrategy[Account]:
    """Accounts, some with a parent."""
    return st.builds(
        Account,
        id=ids("account"),
        name=st.sampled_from(_COMPANIES) | _text,
        parent_id=_opt(ids("parent")),
        website=_opt(st.just("https://example.com")),
        phone=_opt(st.just("03-1234-5678")),
        industry=_opt(st.sampled_from(_INDUSTRIES)),
        employees=_opt(st.integers(0, 500_000)),
        annual_revenue=_opt(money()),
        billing_address=addresses(),
        account_source=_opt(st.sampled_from([s.api_name for s in DEFAULT_SOURCES])),
        owner=_opt(owners()),
        description=_opt(_text),
        created_at=aware_datetimes(),
        custom=custom_fields(),
        master_record_id=_opt(ids("account")),
        version=st.integers(0, 1000),
    )


def contacts() -> st.SearchStrategy[Contact]:
    """Contacts of random accounts."""
    return st.builds(
        Contact,
        id=ids("contact"),
        account_id=ids("account"),
        name=person_names(),
        title=_opt(st.sampled_from(_TITLES)),
        department=_opt(_text),
        email=_opt(_emails()),
        phone=_opt(st.just("03-1234-5678")),
        mobile=_opt(st.just("090-1234-5678")),
        mailing_address=addresses(),
        lead_source=_opt(st.sampled_from([s.api_name for s in DEFAULT_SOURCES])),
        owner=_opt(owners()),
        email_opt_out=st.booleans(),
        do_not_call=st.booleans(),
        description=_opt(_text),
        created_at=aware_datetimes(),
        custom=custom_fields(),
        master_record_id=_opt(ids("contact")),
        version=st.integers(0, 1000),
    )


def opportunities() -> st.SearchStrategy[Opportunity]:
    """Opportunities in every state (open, lost, won)."""

    def build(closed: bool, won: bool, **kw: Any) -> Opportunity:
        return Opportunity(is_closed=closed or won, is_won=won, **kw)

    return st.builds(
        build,
        st.booleans(),
        st.booleans(),
        id=ids("opportunity"),
        name=_text.map(lambda s: s[:80]).filter(lambda s: s.strip() != ""),
        account_id=ids("account"),
        close_date=_dates(),
        stage=st.sampled_from(["Prospecting", "Qualification", "Proposal", "Closed Won"]),
        amount=_opt(money()),
        probability=_opt(st.integers(0, 100)),
        lead_source=_opt(st.sampled_from([s.api_name for s in DEFAULT_SOURCES])),
        campaign_id=_opt(ids("campaign")),
        owner=_opt(owners()),
        description=_opt(_text),
        created_at=aware_datetimes(),
        custom=custom_fields(),
        version=st.integers(0, 1000),
    )


def _relations(for_lead: bool) -> dict[str, Any]:
    if for_lead:
        return {"lead_id": ids("lead")}
    return {
        "contact_id": _opt(ids("contact")),
        "account_id": _opt(ids("account")),
        "opportunity_id": _opt(ids("opportunity")),
    }


def tasks() -> st.SearchStrategy[Task]:
    """Open and completed tasks related to a lead, or to contact/account/opportunity."""

    def build(done: bool, finished: datetime, **kw: Any) -> Task:
        if done:
            return Task(status=TaskStatus.COMPLETED, completed_at=finished, **kw)
        return Task(**kw)

    return st.booleans().flatmap(
        lambda for_lead: st.builds(
            build,
            st.booleans(),
            aware_datetimes(),
            id=ids("task"),
            subject=_text,
            priority=st.sampled_from(list(Priority)),
            due_date=_opt(_dates()),
            owner=_opt(owners()),
            description=_opt(_text),
            created_at=aware_datetimes(),
            version=st.integers(0, 1000),
            **_relations(for_lead),
        )
    )


def calendar_events() -> st.SearchStrategy[Event]:
    """Calendar events (行動) with an end not before the start.

    Called ``events`` before; that name is the condition builder :func:`leadkit.rules.events`
    (engagement events) and stays here only as a deprecated alias."""
    return st.booleans().flatmap(
        lambda for_lead: st.builds(
            lambda start, minutes, **kw: Event(
                start=start, end=start + timedelta(minutes=minutes), **kw
            ),
            aware_datetimes(),
            st.integers(0, 600),
            id=ids("event"),
            subject=_text,
            location=_opt(_text),
            owner=_opt(owners()),
            description=_opt(_text),
            created_at=aware_datetimes(),
            version=st.integers(0, 1000),
            **_relations(for_lead),
        )
    )


def campaigns() -> st.SearchStrategy[Campaign]:
    """Campaigns with consistent dates."""
    return st.builds(
        lambda start, days, **kw: Campaign(
            start_date=start, end_date=None if start is None else start + timedelta(days=days), **kw
        ),
        _opt(_dates()),
        st.integers(0, 365),
        id=ids("campaign"),
        name=st.sampled_from(["展示会2026", "Spring Webinar", "メルマガ 4月号"])
        | _text.map(lambda s: s[:80]),
        type=_opt(st.sampled_from(["Trade Show", "Webinar", "Email", "Advertisement"])),
        status=st.sampled_from(list(CampaignStatus)),
        budgeted_cost=_opt(money(currency="JPY")),
        actual_cost=_opt(money(currency="JPY")),
        parent_id=_opt(ids("campaign")),
        is_active=st.booleans(),
        version=st.integers(0, 1000),
    )


def campaign_members() -> st.SearchStrategy[CampaignMember]:
    """Campaign members for a lead or a contact, responded or not."""

    def build(who: tuple[str, str], responded: bool, first: date | None, **kw: Any) -> Any:
        person: dict[str, Any] = {who[0]: who[1]}
        return CampaignMember(
            **person,
            responded=responded,
            status="Responded" if responded else "Sent",
            first_responded_at=first if responded else None,
            **kw,
        )

    who = st.tuples(st.sampled_from(["lead_id", "contact_id"]), ids("person"))
    return st.builds(
        build,
        who,
        st.booleans(),
        _opt(_dates()),
        id=ids("member"),
        campaign_id=ids("campaign"),
        created_at=aware_datetimes(),
        version=st.integers(0, 1000),
    )


def engagement_events(
    *,
    lead_ids: st.SearchStrategy[str] | None = None,
    kinds: st.SearchStrategy[str] | None = None,
    occurred_at: st.SearchStrategy[datetime] | None = None,
) -> st.SearchStrategy[EngagementEvent]:
    """Engagement events of standard and custom kinds, with properties."""
    kind_values = (
        kinds
        if kinds is not None
        else (st.sampled_from([k.value for k in EventKind]) | st.just("custom_kind"))
    )
    properties = st.fixed_dictionaries(
        {},
        optional={
            "url": st.sampled_from(["/", "/pricing", "/careers", "/product/crm"]),
            "asset": st.sampled_from(["whitepaper.pdf", "事例集.pdf"]),
            "campaign_id": ids("campaign"),
        },
    )
    return st.builds(
        EngagementEvent,
        id=ids("event"),
        kind=kind_values,
        occurred_at=occurred_at if occurred_at is not None else aware_datetimes(),
        lead_id=lead_ids if lead_ids is not None else ids("lead"),
        properties=properties,
        version=st.integers(0, 1000),
    )


def users() -> st.SearchStrategy[User]:
    """Users, active or not, with capacities and territories."""
    return st.builds(
        User,
        id=ids("user"),
        name=st.sampled_from(["佐藤 健", "John Smith", "田中 美咲"]) | _text,
        email=_opt(_emails()),
        active=st.booleans(),
        capacity=_opt(st.integers(0, 500)),
        territories=st.frozensets(st.sampled_from(["関東", "近畿", "US-West", "EMEA"])),
        timezone=_opt(st.sampled_from(["Asia/Tokyo", "UTC", "America/New_York"])),
        attributes=custom_fields(),
        version=st.integers(0, 1000),
    )


def queues() -> st.SearchStrategy[Queue]:
    """Queues with a few members."""
    return st.builds(
        Queue,
        id=ids("queue"),
        name=st.sampled_from(["Inbound", "インサイドセールス", "Partner"]),
        member_ids=st.lists(ids("user"), max_size=4).map(tuple),
        email=_opt(_emails()),
        version=st.integers(0, 1000),
    )


def status_catalogues() -> st.SearchStrategy[StatusCatalogue]:
    """Valid status catalogues: unique names, one default, at least one converted."""

    def build(names: list[str], default: int, converted: int) -> StatusCatalogue:
        return StatusCatalogue(
            LeadStatus(
                n,
                n,
                is_default=i == default % len(names),
                is_converted=i == converted % len(names),
                is_closed=i == converted % len(names),
            )
            for i, n in enumerate(names)
        )

    return st.builds(
        build,
        st.lists(_text.map(lambda s: s[:80]), min_size=1, max_size=6, unique=True),
        st.integers(0, 10),
        st.integers(0, 10),
    )


def source_catalogues() -> st.SearchStrategy[SourceCatalogue]:
    """Source catalogues of a few sources with channels."""
    from leadkit.model import Channel

    return st.lists(
        st.builds(LeadSource, _text.map(lambda s: s[:80]), st.sampled_from(list(Channel))),
        max_size=5,
    ).map(lambda sources: SourceCatalogue(sources))


def stage_histories(lead_id: str | None = None) -> st.SearchStrategy[Any]:
    """Legal :class:`~leadkit.stages.StageHistory` values: a walk through the transition
    table at non-decreasing times (an SQL move with its qualification) and status
    changes of the default catalogue, with Japanese and Latin reasons."""
    from leadkit.stages import TRANSITIONS, Qualification, StageHistory, StatusChange, Transition

    @st.composite
    def build(draw: st.DrawFn) -> StageHistory:
        lead = lead_id if lead_id is not None else draw(ids("lead"))
        at = draw(aware_datetimes(max_value=datetime(2030, 1, 1, tzinfo=UTC)))
        steps: list[Transition] = []
        current = None
        for _ in range(draw(st.integers(0, 6))):
            options = sorted(TRANSITIONS[current], key=lambda s: s.value)
            if not options:
                break
            target = draw(st.sampled_from(options))
            at = at + draw(st.sampled_from([timedelta(0), timedelta(minutes=5), timedelta(days=2)]))
            deal = None
            if target.value == "sql":
                deal = Qualification(
                    draw(money()), draw(_dates()), opportunity_name=draw(_opt(_text))
                )
            steps.append(
                Transition(current, target, at, draw(_text), draw(st.one_of(st.just(""), _text)),
                           qualification=deal)
            )  # fmt: skip
            current = target
        changes: list[StatusChange] = []
        moment = draw(aware_datetimes(max_value=datetime(2030, 1, 1, tzinfo=UTC)))
        names = [status.api_name for status in DEFAULT_STATUSES.statuses]
        for _ in range(draw(st.integers(0, 4))):
            moment = moment + draw(st.sampled_from([timedelta(0), timedelta(hours=3)]))
            changes.append(
                StatusChange(draw(st.sampled_from(names)), moment, draw(_text),
                             draw(st.sampled_from(["manual", "first_activity"])),
                             draw(st.one_of(st.just(""), _text)))
            )  # fmt: skip
        return StageHistory(lead, steps, status_changes=changes)

    return build()


def recorded_decisions(lead_id: str | None = None) -> st.SearchStrategy[Any]:
    """:class:`~leadkit.routing.RecordedDecision` values: by an entry or the default
    owner, with or without a strategy's reasoning and skipped entries."""
    from leadkit.routing import (
        MatchedEntry,
        MemberNote,
        RecordedDecision,
        SkippedNote,
        StrategyReasoning,
    )

    reasoning = st.builds(
        StrategyReasoning,
        st.sampled_from(["round_robin", "weighted", "capacity", "least_loaded"]),
        _text,
        _opt(ids("u")),
        skipped=st.lists(st.builds(MemberNote, ids("u"), _text), max_size=3).map(tuple),
        turn=_opt(st.integers(1, 10_000)),
        detail=st.one_of(st.just(""), _text),
        fallback=_opt(owners()),
    )
    entry = st.builds(MatchedEntry, st.integers(0, 50), st.one_of(st.just(""), _text))
    skipped = st.builds(
        SkippedNote,
        st.integers(0, 50),
        st.one_of(st.just(""), _text),
        st.lists(_text, max_size=3).map(tuple),
    )
    return st.builds(
        RecordedDecision,
        st.just(lead_id) if lead_id is not None else ids("lead"),
        aware_datetimes(),
        owners(),
        entry=_opt(entry),
        strategy_reasoning=_opt(reasoning),
        kept_owner=st.booleans(),
        skipped=st.lists(skipped, max_size=3),
        previous_owner=_opt(owners()),
        explanation=st.one_of(st.just(""), _text),
    )


# Deprecated: ``events`` collided with :func:`leadkit.rules.events` (issue 11).
_RENAMED = {"events": "calendar_events"}

if TYPE_CHECKING:
    events = calendar_events
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, _RENAMED)
