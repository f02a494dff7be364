"""The records of lead management: leads, accounts, contacts, opportunities, activities,
campaigns, engagement events, users and queues.

Every entity is a frozen, slotted attrs class validated on construction; change one with
:func:`attrs.evolve`. Options are keyword-only so that a call reads like the record.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TypeAlias

import attrs

from leadkit.errors import ValidationError
from leadkit.model import _fields as f
from leadkit.model import _validators as v
from leadkit.model._catalogues import active_catalogues, active_statuses
from leadkit.model._normalise import email_domain
from leadkit.model._picklists import ActivityOutcome, ActivityType, OpportunityStage
from leadkit.model._values import (
    Address,
    CustomFields,
    CustomValue,
    Money,
    OwnerRef,
    PersonName,
    to_custom,
)

__all__ = [
    "Account",
    "Activity",
    "Campaign",
    "CampaignMember",
    "CampaignStatus",
    "Contact",
    "EngagementEvent",
    "Event",
    "EventKind",
    "Lead",
    "LeadConversion",
    "Opportunity",
    "Priority",
    "Queue",
    "Rating",
    "Task",
    "TaskStatus",
    "User",
    "completed_activities",
    "open_activities",
]


class Rating(enum.Enum):
    """How warm a salesperson judges a lead (a manual field, unlike score and grade)."""

    HOT = "Hot"
    WARM = "Warm"
    COLD = "Cold"


def _check_status(instance: Lead, attribute: attrs.Attribute[str], value: str) -> None:
    v.non_empty_str()(instance, attribute, value)
    if value not in active_statuses():
        try:
            active_statuses().get(value)
        except ValidationError as err:
            raise ValidationError(err.message, path="Lead.status", code="unknown_status") from None


def _default_status() -> str:
    return active_statuses().default.api_name


def _status_api_name(value: object) -> object:
    # Statuses are matched by api name or by any label (状況=未対応); stored by api name.
    if isinstance(value, str) and value not in active_statuses():
        found = active_statuses().find(value)
        if found is not None:
            return found.api_name
    return value


def _stage_api_name(value: object) -> object:
    if isinstance(value, str):
        found = active_catalogues().opportunity_stages.find(value)
        if found is not None:
            return found.api_name
    return value


def _check_stage(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    v.non_empty_str()(instance, attribute, value)
    stages = active_catalogues().opportunity_stages
    if value not in stages:
        try:
            stages.get(value)
        except ValidationError as err:
            raise ValidationError(err.message, path="Opportunity.stage", code=err.code) from None


def _default_stage() -> str:
    return active_catalogues().opportunity_stages.first.api_name


def _outcome_api_name(value: object) -> object:
    if isinstance(value, str):
        found = active_catalogues().activity_outcomes.find(value)
        if found is not None:
            return found.api_name
    return value


def _check_outcome(
    instance: Task | Event, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is None:
        return
    v.non_empty_str()(instance, attribute, value)
    try:
        active_catalogues().activity_outcomes.get(value)  # type: ignore[arg-type]
    except ValidationError as err:
        kind = type(instance).__name__
        raise ValidationError(err.message, path=f"{kind}.outcome", code=err.code) from None


def _activity_type() -> ActivityType | None:
    return attrs.field(  # type: ignore[no-any-return]
        default=None, validator=v.optional(v.instance_of(ActivityType)), kw_only=True
    )


def _outcome() -> str | None:
    value: str | None = attrs.field(
        default=None, converter=_outcome_api_name, validator=_check_outcome, kw_only=True
    )
    return value


def _minutes() -> int | None:
    return attrs.field(  # type: ignore[no-any-return]
        default=None,
        validator=v.optional(v.all_of(v.instance_of(int), v.between(0, 100_000))),
        kw_only=True,
    )


@attrs.frozen(slots=True)
class LeadConversion:
    """What a lead became when it was converted (取引開始). Set once; never changed."""

    converted_at: datetime = f.timestamp()
    status: str = f.required_text()
    account_id: str = f.required_text()
    contact_id: str = f.required_text()
    opportunity_id: str | None = f.ref()


@attrs.frozen(slots=True)
class Lead:
    """A person who showed interest and is not yet a customer's contact (リード).

    A lead needs a family name and a company; everything else is optional. The status
    must be in the status catalogue in force (the default catalogue unless changed), and
    a converting status comes only with a conversion (see :mod:`leadkit.convert`). Text
    fields have the Lead object's limits of the leading CRM: company 255 characters,
    title 128, department 80, email 80, phone and mobile 40, website, industry and lead
    source 255, description 32,000 (first name 40 and last name 80: :class:`PersonName`).

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Lead, PersonName, Address
    >>> lead = Lead(
    ...     name=PersonName("山田", "太郎"),
    ...     company="株式会社サンプル",
    ...     email="taro@sample.co.jp",
    ...     employees=1200,
    ...     address=Address(country="JP", state="東京都"),
    ...     created_at=datetime(2026, 4, 1, tzinfo=UTC),
    ... )
    >>> lead.name.display, lead.status, lead.email_domain, lead.is_converted
    ('山田 太郎', 'Open - Not Contacted', 'sample.co.jp', False)
    """

    id: str = f.id_field("lead")
    name: PersonName = f.required(v.instance_of(PersonName))
    company: str = f.required_text(max_length=255)
    title: str | None = f.text(max_length=128)
    department: str | None = f.text(max_length=80)
    email: str | None = f.email(max_length=80)
    phone: str | None = f.text(max_length=40)
    mobile: str | None = f.text(max_length=40)
    website: str | None = f.text(max_length=255)
    industry: str | None = f.text(max_length=255)
    employees: int | None = f.count()
    annual_revenue: Money | None = f.money()
    address: Address = f.address()
    lead_source: str | None = f.text(max_length=255)
    status: str = attrs.field(
        factory=_default_status, converter=_status_api_name, validator=_check_status, kw_only=True
    )
    owner: OwnerRef | None = f.owner()
    rating: Rating | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(Rating)), kw_only=True
    )
    email_opt_out: bool = f.flag()
    do_not_call: bool = f.flag()
    description: str | None = f.text(max_length=32_000)
    created_at: datetime = f.timestamp()
    custom: CustomFields = attrs.field(factory=CustomFields, converter=to_custom, kw_only=True)
    conversion: LeadConversion | None = attrs.field(
        default=None, validator=v.optional(v.instance_of(LeadConversion)), kw_only=True
    )
    account_id: str | None = f.ref()
    """The existing account (customer) the open lead was matched to before conversion
    (:func:`leadkit.accounts.match_accounts`), if any; routing can send the lead to the
    account's owner, and conversion with ``account="match"`` uses it."""
    master_record_id: str | None = f.ref()
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        converting = active_statuses().get(self.status).is_converted
        if converting and self.conversion is None:
            raise ValidationError(
                f"{self.status!r} is a converting status: a lead gets it only by being "
                "converted (leadkit.convert.convert_lead), which also makes the account, "
                "contact and opportunity; choose an open or closed status instead",
                path="Lead.status",
                code="converting_status",
            )
        if self.conversion is not None and self.conversion.status != self.status:
            raise ValidationError(
                f"a converted lead keeps the status it was converted with "
                f"({self.conversion.status!r}), not {self.status!r}; it is read-only",
                path="Lead.status",
                code="converting_status",
            )

    @property
    def is_converted(self) -> bool:
        """True once the lead was converted; it is then read-only."""
        return self.conversion is not None

    @property
    def is_merged(self) -> bool:
        """True when the lead was merged into another (its master)."""
        return self.master_record_id is not None

    @property
    def email_domain(self) -> str | None:
        """The lower-cased domain of the email address, if any."""
        return email_domain(self.email) if self.email else None


@attrs.frozen(slots=True)
class Account:
    """A company or organisation you do business with (取引先).

    ``parent_id`` links a branch or sales office (支店・営業所) to its head office.
    """

    id: str = f.id_field("account")
    name: str = f.required_text(max_length=255)
    parent_id: str | None = f.ref()
    website: str | None = f.text()
    phone: str | None = f.text()
    industry: str | None = f.text()
    employees: int | None = f.count()
    annual_revenue: Money | None = f.money()
    billing_address: Address = f.address()
    account_source: str | None = f.text()
    owner: OwnerRef | None = f.owner()
    description: str | None = f.text()
    created_at: datetime = f.timestamp()
    custom: CustomFields = attrs.field(factory=CustomFields, converter=to_custom, kw_only=True)
    master_record_id: str | None = f.ref()
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValidationError("an account cannot be its own parent", path="Account.parent_id")


@attrs.frozen(slots=True)
class Contact:
    """A person at an account (取引先責任者)."""

    id: str = f.id_field("contact")
    account_id: str = f.required_text()
    name: PersonName = f.required(v.instance_of(PersonName))
    title: str | None = f.text()
    department: str | None = f.text()
    email: str | None = f.email()
    phone: str | None = f.text()
    mobile: str | None = f.text()
    mailing_address: Address = f.address()
    lead_source: str | None = f.text()
    owner: OwnerRef | None = f.owner()
    email_opt_out: bool = f.flag()
    do_not_call: bool = f.flag()
    description: str | None = f.text()
    created_at: datetime = f.timestamp()
    custom: CustomFields = attrs.field(factory=CustomFields, converter=to_custom, kw_only=True)
    master_record_id: str | None = f.ref()
    version: int = f.version()

    @property
    def email_domain(self) -> str | None:
        """The lower-cased domain of the email address, if any."""
        return email_domain(self.email) if self.email else None


_probability = attrs.field(
    default=None,
    validator=v.optional(v.all_of(v.instance_of(int), v.between(0, 100))),
    kw_only=True,
)


@attrs.frozen(slots=True)
class Opportunity:
    """A potential deal with an account (商談). The name has at most 80 characters."""

    id: str = f.id_field("opportunity")
    name: str = f.required_text(max_length=80)
    account_id: str = f.required_text()
    close_date: date = f.required(v.plain_date)
    stage: str = attrs.field(
        factory=_default_stage, converter=_stage_api_name, validator=_check_stage, kw_only=True
    )
    amount: Money | None = f.money()
    probability: int | None = _probability
    is_closed: bool = f.flag()
    is_won: bool = f.flag()
    lead_source: str | None = f.text()
    campaign_id: str | None = f.ref()
    owner: OwnerRef | None = f.owner()
    description: str | None = f.text()
    created_at: datetime = f.timestamp()
    custom: CustomFields = attrs.field(factory=CustomFields, converter=to_custom, kw_only=True)
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        if self.is_won and not self.is_closed:
            raise ValidationError("a won opportunity must be closed", path="Opportunity.is_won")

    @property
    def stage_info(self) -> OpportunityStage:
        """The stage's entry in the opportunity stage catalogue in force."""
        return active_catalogues().opportunity_stages.get(self.stage)

    @property
    def forecast_probability(self) -> int:
        """The probability the forecast weighs the amount by: the opportunity's own, else
        its stage's default (0 once lost, 100 once won)."""
        if self.is_closed:
            return 100 if self.is_won else 0
        if self.probability is not None:
            return self.probability
        return self.stage_info.probability

    def _close(self, *, won: bool, on: object, amount: object, stage: str | None) -> Opportunity:
        if self.is_closed:
            outcome = "won" if self.is_won else "lost"
            raise ValidationError(
                f"opportunity {self.id!r} is already closed ({outcome}, {self.close_date})",
                path="Opportunity.is_closed",
            )
        if not isinstance(on, date) or isinstance(on, datetime):
            raise ValidationError(
                f"expected the close date as a date, got {type(on).__name__} {on!r}",
                path="Opportunity.close_date",
            )
        stages = active_catalogues().opportunity_stages
        if stage is None:
            stage = (stages.won if won else stages.lost).api_name
        else:
            chosen = stages.get(stage)
            if not chosen.is_closed or chosen.is_won is not won:
                wanted = "closed won" if won else "closed lost"
                raise ValidationError(
                    f"{chosen.api_name!r} is not a {wanted} stage", path="Opportunity.stage"
                )
        changes: dict[str, object] = {
            "is_closed": True,
            "is_won": won,
            "close_date": on,
            "stage": stage,
            "probability": 100 if won else 0,
        }
        if amount is not None:
            changes["amount"] = amount
        return attrs.evolve(self, **changes)  # type: ignore[arg-type]

    def closed_won(
        self, *, on: date, amount: Money | None = None, stage: str | None = None
    ) -> Opportunity:
        """This opportunity won on ``on`` (the close date), for ``amount`` if given
        (otherwise the amount it has): closed, won, probability 100, in ``stage`` (a closed
        won stage of the catalogue; by default its first). Store it with
        ``uow.opportunities.update``. An opportunity already closed cannot close again.

        >>> from datetime import date, datetime, UTC
        >>> deal = Opportunity(name="ABC 導入", account_id="a-1", close_date=date(2026, 6, 30),
        ...                    amount=Money(2_400_000, "JPY"),
        ...                    created_at=datetime(2026, 4, 1, tzinfo=UTC))
        >>> won = deal.closed_won(on=date(2026, 6, 12), amount=Money(2_100_000, "JPY"))
        >>> won.is_won, won.stage, won.close_date, won.amount.amount
        (True, 'Closed Won', datetime.date(2026, 6, 12), Decimal('2100000'))
        """
        return self._close(won=True, on=on, amount=amount, stage=stage)

    def closed_lost(
        self, *, on: date, amount: Money | None = None, stage: str | None = None
    ) -> Opportunity:
        """This opportunity lost on ``on``: closed, not won, probability 0."""
        return self._close(won=False, on=on, amount=amount, stage=stage)


class TaskStatus(enum.Enum):
    """Whether a task (ToDo) still needs doing."""

    OPEN = "open"
    COMPLETED = "completed"


class Priority(enum.Enum):
    """Task priority."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


def _check_relations(record: Task | Event) -> None:
    kind = type(record).__name__
    if record.lead_id is not None and record.contact_id is not None:
        raise ValidationError("relate to a lead or a contact, not both", path=f"{kind}.lead_id")
    if record.lead_id is not None and (
        record.account_id is not None or record.opportunity_id is not None
    ):
        # As in the leading CRMs: a lead's activity is about the lead alone until it is
        # converted; conversion then attaches it to the account, contact and opportunity.
        raise ValidationError(
            "an activity of a lead cannot also relate to an account or opportunity",
            path=f"{kind}.lead_id",
        )


@attrs.frozen(slots=True)
class Task:
    """A to-do (ToDo): a call to make, an email to send. Open until completed."""

    id: str = f.id_field("task")
    subject: str = f.required_text(max_length=255)
    status: TaskStatus = attrs.field(
        default=TaskStatus.OPEN, validator=v.instance_of(TaskStatus), kw_only=True
    )
    priority: Priority = attrs.field(
        default=Priority.NORMAL, validator=v.instance_of(Priority), kw_only=True
    )
    due_date: date | None = f.day()
    completed_at: datetime | None = f.opt_timestamp()
    activity_type: ActivityType | None = _activity_type()
    outcome: str | None = _outcome()
    duration_minutes: int | None = _minutes()
    lead_id: str | None = f.ref()
    contact_id: str | None = f.ref()
    account_id: str | None = f.ref()
    opportunity_id: str | None = f.ref()
    owner: OwnerRef | None = f.owner()
    description: str | None = f.text()
    created_at: datetime = f.timestamp()
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        _check_relations(self)
        if self.completed_at is not None and self.status is not TaskStatus.COMPLETED:
            raise ValidationError(
                "completed_at is set but the task is not completed", path="Task.completed_at"
            )

    def is_open(self, *, as_of: datetime | None = None) -> bool:
        """True until the task is completed (``as_of`` is accepted for symmetry with Event)."""
        return self.status is TaskStatus.OPEN

    def done_at(self, *, as_of: datetime) -> datetime | None:
        """When the task was done, if it was by ``as_of`` (``None`` while open)."""
        if self.status is not TaskStatus.COMPLETED:
            return None
        when = self.completed_at if self.completed_at is not None else self.created_at
        return when if when <= as_of else None

    @property
    def duration(self) -> timedelta | None:
        """How long the work took (``duration_minutes``), if recorded."""
        return None if self.duration_minutes is None else timedelta(minutes=self.duration_minutes)

    @property
    def outcome_info(self) -> ActivityOutcome | None:
        """The outcome's entry in the outcome catalogue in force, if there is an outcome."""
        return (
            None
            if self.outcome is None
            else active_catalogues().activity_outcomes.get(self.outcome)
        )

    def is_overdue(self, *, on: date) -> bool:
        """True when the task is open and its due date is before ``on``."""
        return self.is_open() and self.due_date is not None and self.due_date < on


@attrs.frozen(slots=True)
class Event:
    """A calendar event (行動): a meeting, a visit, a call at a set time."""

    id: str = f.id_field("event")
    subject: str = f.required_text(max_length=255)
    start: datetime = f.timestamp()
    end: datetime = f.timestamp()
    location: str | None = f.text()
    activity_type: ActivityType | None = _activity_type()
    outcome: str | None = _outcome()
    lead_id: str | None = f.ref()
    contact_id: str | None = f.ref()
    account_id: str | None = f.ref()
    opportunity_id: str | None = f.ref()
    owner: OwnerRef | None = f.owner()
    description: str | None = f.text()
    created_at: datetime = f.timestamp()
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        _check_relations(self)
        if self.end < self.start:
            raise ValidationError(
                f"ends ({self.end.isoformat()}) before it starts ({self.start.isoformat()})",
                path="Event.end",
            )

    def is_open(self, *, as_of: datetime) -> bool:
        """True while the event has not ended at ``as_of``."""
        return self.end > as_of

    def done_at(self, *, as_of: datetime) -> datetime | None:
        """When the event was held (its end), if it ended by ``as_of``."""
        return self.end if self.end <= as_of else None

    @property
    def duration(self) -> timedelta:
        """How long the event lasted."""
        return self.end - self.start

    @property
    def duration_minutes(self) -> int:
        """The event's length in whole minutes."""
        return int(self.duration.total_seconds() // 60)

    @property
    def outcome_info(self) -> ActivityOutcome | None:
        """The outcome's entry in the outcome catalogue in force, if there is an outcome."""
        return (
            None
            if self.outcome is None
            else active_catalogues().activity_outcomes.get(self.outcome)
        )


Activity: TypeAlias = Task | Event
"""A task or an event."""


def open_activities(activities: Iterable[Activity], *, as_of: datetime) -> list[Activity]:
    """Tasks not completed and events not yet ended at ``as_of``, in their given order."""
    return [a for a in activities if a.is_open(as_of=as_of)]


def completed_activities(activities: Iterable[Activity], *, as_of: datetime) -> list[Activity]:
    """Completed tasks and events that ended by ``as_of`` (activity history)."""
    return [a for a in activities if not a.is_open(as_of=as_of)]


class CampaignStatus(enum.Enum):
    """Where a campaign is in its life."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABORTED = "aborted"


@attrs.frozen(slots=True)
class Campaign:
    """A marketing effort: a trade show (展示会), a webinar, a newsletter (メルマガ)."""

    id: str = f.id_field("campaign")
    name: str = f.required_text(max_length=80)
    type: str | None = f.text()
    status: CampaignStatus = attrs.field(
        default=CampaignStatus.PLANNED, validator=v.instance_of(CampaignStatus), kw_only=True
    )
    start_date: date | None = f.day()
    end_date: date | None = f.day()
    budgeted_cost: Money | None = f.money()
    actual_cost: Money | None = f.money()
    parent_id: str | None = f.ref()
    is_active: bool = f.flag(True)
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError("ends before it starts", path="Campaign.end_date")


@attrs.frozen(slots=True)
class CampaignMember:
    """A lead or a contact taking part in a campaign, and whether they responded."""

    id: str = f.id_field("campaign_member")
    campaign_id: str = f.required_text()
    lead_id: str | None = f.ref()
    contact_id: str | None = f.ref()
    status: str = attrs.field(default="Sent", validator=v.non_empty_str(), kw_only=True)
    responded: bool = f.flag()
    first_responded_at: date | None = f.day()
    created_at: datetime = f.timestamp()
    version: int = f.version()

    def __attrs_post_init__(self) -> None:
        v.exactly_one_of("lead_id", "contact_id")(self)
        if self.first_responded_at is not None and not self.responded:
            raise ValidationError(
                "first_responded_at is set but responded is False",
                path="CampaignMember.first_responded_at",
            )


class EventKind(enum.StrEnum):
    """The standard engagement event kinds. Any other non-empty string is a custom kind."""

    PAGE_VIEW = "page_view"
    PRICING_PAGE_VISIT = "pricing_page_visit"
    CAREERS_PAGE_VISIT = "careers_page_visit"
    FORM_SUBMIT = "form_submit"
    FORM_ERROR = "form_error"
    FILE_DOWNLOAD = "file_download"
    EMAIL_SEND = "email_send"
    EMAIL_OPEN = "email_open"
    EMAIL_CLICK = "email_click"
    LINK_CLICK = "link_click"
    WEBINAR = "webinar"
    SEMINAR = "seminar"
    TRADE_SHOW_VISIT = "trade_show_visit"
    DEMO_REQUEST = "demo_request"
    INQUIRY = "inquiry"
    UNSUBSCRIBE = "unsubscribe"


def _kind(value: object) -> object:
    # A StrEnum member is stored as its plain string so custom kinds compare alike.
    return str(value) if isinstance(value, EventKind) else value


_NO_PROPERTIES = CustomFields()


def _properties(value: Mapping[str, CustomValue | None] | None) -> CustomFields:
    if value is None or (isinstance(value, dict) and not value):
        return _NO_PROPERTIES
    return value if isinstance(value, CustomFields) else to_custom(value)


@attrs.frozen(slots=True)
class EngagementEvent:
    """Something a lead or contact did: viewed a page, opened an email, submitted a form.

    ``properties`` holds details such as ``url``, ``asset`` or ``campaign_id``.

    >>> from datetime import datetime, UTC
    >>> e = EngagementEvent(kind=EventKind.PAGE_VIEW, lead_id="lead-1",
    ...                     occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
    ...                     properties={"url": "/pricing"})
    >>> e.kind, e.properties["url"]
    ('page_view', '/pricing')
    """

    id: str = f.id_field("event")
    kind: str = attrs.field(converter=_kind, validator=v.non_empty_str(max_length=80), kw_only=True)
    occurred_at: datetime = f.timestamp()
    lead_id: str | None = f.ref()
    contact_id: str | None = f.ref()
    properties: CustomFields = attrs.field(
        factory=lambda: _NO_PROPERTIES, converter=_properties, kw_only=True
    )
    version: int = f.version()
    timestamp: float = attrs.field(init=False, eq=False, hash=False, repr=False)
    """``occurred_at`` as POSIX seconds, computed once: batch scoring reads millions of
    event ages, and a float subtraction costs a fraction of a datetime one."""

    def __attrs_post_init__(self) -> None:
        v.exactly_one_of("lead_id", "contact_id")(self)
        object.__setattr__(self, "timestamp", self.occurred_at.timestamp())

    @property
    def campaign_id(self) -> str | None:
        """The campaign the event belongs to, when its properties say so."""
        value = self.properties.get("campaign_id")
        return value if isinstance(value, str) else None


@attrs.frozen(slots=True)
class User:
    """A salesperson or any other person who can own records.

    ``capacity`` (most open leads at once) and ``territories`` are used by routing;
    ``attributes`` leaves room for anything else routing rules may look at.
    """

    id: str = f.id_field("user")
    name: str = f.required_text(max_length=121)
    email: str | None = f.email()
    active: bool = f.flag(True)
    capacity: int | None = f.count()
    territories: frozenset[str] = attrs.field(
        factory=frozenset, converter=frozenset, validator=v.each(v.instance_of(str)), kw_only=True
    )
    timezone: str | None = f.text()
    attributes: CustomFields = attrs.field(factory=CustomFields, converter=to_custom, kw_only=True)
    version: int = f.version()


@attrs.frozen(slots=True)
class Queue:
    """A shared owner (キュー) whose members pick leads from it."""

    id: str = f.id_field("queue")
    name: str = f.required_text(max_length=80)
    member_ids: tuple[str, ...] = attrs.field(
        factory=tuple, converter=tuple, validator=v.each(v.non_empty_str()), kw_only=True
    )
    email: str | None = f.email()
    version: int = f.version()
