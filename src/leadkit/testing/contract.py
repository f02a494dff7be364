"""The repository contract: the tests any storage adapter must pass, and fault injection.

leadkit's own in-memory and SQLite adapters run this suite; run it against yours
(SQLAlchemy, Django, a REST API) by subclassing :class:`UnitOfWorkContract` in a test
module and providing a ``uow_factory`` fixture that returns fresh units of work over an
*empty* store, new for each test (needs ``pytest`` and ``hypothesis``)::

    import pytest
    from leadkit.testing.contract import UnitOfWorkContract

    class TestMyAdapter(UnitOfWorkContract):
        @pytest.fixture
        def uow_factory(self, tmp_path):
            engine = make_engine(tmp_path / "crm.db")
            return lambda: MyUnitOfWork(engine)

:class:`FailingUnitOfWork` wraps any unit of work and fails at a chosen write step, and
:func:`snapshot` captures everything a store holds, so a test can prove that an
operation failing at *any* step leaves the store exactly as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadkit.errors import (
    ConcurrencyError,
    InjectedFault,
    NotFoundError,
    ValidationError,
)
from leadkit.model import (
    Account,
    Campaign,
    CampaignMember,
    Catalogues,
    Contact,
    EngagementEvent,
    Event,
    Lead,
    LeadConversion,
    Opportunity,
    OwnerRef,
    PersonName,
    Queue,
    Task,
    User,
)
from leadkit.repository import (
    AccountRepository,
    CampaignMemberRepository,
    CampaignRepository,
    ContactRepository,
    DuplicateIdError,
    EngagementEventRepository,
    EnrolmentRepository,
    EventRepository,
    LeadReadOnlyError,
    LeadRepository,
    OpportunityRepository,
    OutboxRepository,
    QueueRepository,
    RateLimitRepository,
    RoutingDecisionRepository,
    RoutingStateRepository,
    StageHistoryRepository,
    TaskRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UnitOfWorkStateError,
    UserRepository,
    VisitorRepository,
)
from leadkit.testing import strategies as lks

__all__ = [
    "REPOSITORY_NAMES",
    "FailingUnitOfWork",
    "InjectedFault",
    "UnitOfWorkContract",
    "fail_at_every_step",
    "snapshot",
]

REPOSITORY_NAMES = (
    "leads",
    "accounts",
    "contacts",
    "opportunities",
    "tasks",
    "events",
    "campaigns",
    "campaign_members",
    "engagement_events",
    "users",
    "queues",
)
"""The repositories every unit of work has, by attribute name."""

Snapshot = dict[str, list[Any]]
T = TypeVar("T")


def snapshot(uow_factory: UnitOfWorkFactory) -> Snapshot:
    """Every record of every repository, read in a fresh unit of work (nothing written).

    Two snapshots are equal exactly when the store holds the same records in the same
    order, so ``snapshot(f) == before`` proves that a failed operation changed nothing.
    """
    with uow_factory() as uow:
        return {name: getattr(uow, name).all() for name in REPOSITORY_NAMES}


_WRITES = frozenset(
    {
        "add",
        "add_all",
        "update",
        "remove",
        "save_conversion",
        "save",
        "add_event",
        "add_events",
        "save_link",
    }
)


class _FailingRepository:
    """Delegates to a repository, counting each write as one step of its unit of work."""

    def __init__(self, inner: Any, owner: FailingUnitOfWork, name: str) -> None:
        self._inner = inner
        self._owner = owner
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._inner, attr)
        if attr not in _WRITES:
            return value

        def write(*args: Any, **kwargs: Any) -> Any:
            return self._owner._step(f"{self._name}.{attr}", lambda: value(*args, **kwargs))

        return write

    def __iter__(self) -> Iterator[Any]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)

    def __contains__(self, id: object) -> bool:
        return id in self._inner


class FailingUnitOfWork:
    """A unit of work that fails at its ``fail_at``-th write step (1-based).

    Every ``add``, ``add_all`` (one step), ``update``, ``remove`` and ``save_conversion``
    on any repository is a step, and so is ``commit``. With ``when="before"`` the failing
    step raises :class:`InjectedFault` without doing its write; with ``"after"`` it does the write
    first, then raises (the transaction must still roll it back). ``fail_at=None`` never
    fails: run once like that and read :attr:`steps` to know how many steps there are.

    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> from leadkit.model import User
    >>> uow = FailingUnitOfWork(InMemoryUnitOfWork(), fail_at=2)
    >>> with uow:
    ...     _ = uow.users.add(User(id="u-1", name="A"))
    ...     _ = uow.users.add(User(id="u-2", name="B"))
    Traceback (most recent call last):
    ...
    leadkit.errors.InjectedFault: injected failure at write step 2 (users.add)
    """

    def __init__(
        self,
        inner: UnitOfWork,
        *,
        fail_at: int | None = None,
        when: Literal["before", "after"] = "before",
    ) -> None:
        if when not in ("before", "after"):
            raise ValidationError(f"when is 'before' or 'after', got {when!r}", path="when")
        self.inner = inner
        self.fail_at = fail_at
        self.when = when
        self.steps = 0
        """Write steps taken since the unit of work was entered."""

    def _step(self, what: str, action: Callable[[], Any]) -> Any:
        self.steps += 1
        failing = self.fail_at is not None and self.steps == self.fail_at
        if failing and self.when == "before":
            raise InjectedFault(f"injected failure at write step {self.steps} ({what})")
        result = action()
        if failing:
            raise InjectedFault(f"injected failure after write step {self.steps} ({what})")
        return result

    def _wrap(self, name: str) -> Any:
        return _FailingRepository(getattr(self.inner, name), self, name)

    @property
    def leads(self) -> LeadRepository:
        """Leads."""
        return cast(LeadRepository, self._wrap("leads"))

    @property
    def accounts(self) -> AccountRepository:
        """Accounts."""
        return cast(AccountRepository, self._wrap("accounts"))

    @property
    def contacts(self) -> ContactRepository:
        """Contacts."""
        return cast(ContactRepository, self._wrap("contacts"))

    @property
    def opportunities(self) -> OpportunityRepository:
        """Opportunities."""
        return cast(OpportunityRepository, self._wrap("opportunities"))

    @property
    def tasks(self) -> TaskRepository:
        """Tasks."""
        return cast(TaskRepository, self._wrap("tasks"))

    @property
    def events(self) -> EventRepository:
        """Events."""
        return cast(EventRepository, self._wrap("events"))

    @property
    def campaigns(self) -> CampaignRepository:
        """Campaigns."""
        return cast(CampaignRepository, self._wrap("campaigns"))

    @property
    def campaign_members(self) -> CampaignMemberRepository:
        """Campaign members."""
        return cast(CampaignMemberRepository, self._wrap("campaign_members"))

    @property
    def engagement_events(self) -> EngagementEventRepository:
        """Engagement events."""
        return cast(EngagementEventRepository, self._wrap("engagement_events"))

    @property
    def users(self) -> UserRepository:
        """Users."""
        return cast(UserRepository, self._wrap("users"))

    @property
    def queues(self) -> QueueRepository:
        """Queues."""
        return cast(QueueRepository, self._wrap("queues"))

    @property
    def routing_state(self) -> RoutingStateRepository:
        """The inner unit's routing state (its writes are not counted as steps)."""
        return self.inner.routing_state

    @property
    def enrolments(self) -> EnrolmentRepository:
        """The inner unit's enrolments; ``save`` counts as a write step."""
        return cast(EnrolmentRepository, self._wrap("enrolments"))

    @property
    def outbox(self) -> OutboxRepository:
        """The inner unit's outbox; ``add`` counts as a write step."""
        return cast(OutboxRepository, self._wrap("outbox"))

    @property
    def stage_histories(self) -> StageHistoryRepository:
        """The inner unit's stage histories; ``save`` counts as a write step."""
        return cast(StageHistoryRepository, self._wrap("stage_histories"))

    @property
    def routing_decisions(self) -> RoutingDecisionRepository:
        """The inner unit's routing decisions; ``add`` counts as a write step."""
        return cast(RoutingDecisionRepository, self._wrap("routing_decisions"))

    @property
    def visitors(self) -> VisitorRepository:
        """The inner unit's visitor events and links; their writes count as steps."""
        return cast(VisitorRepository, self._wrap("visitors"))

    @property
    def rate_limits(self) -> RateLimitRepository:
        """The inner unit's rate limits (its writes are not counted as steps)."""
        return self.inner.rate_limits

    @property
    def catalogues(self) -> Catalogues | None:
        """The inner unit's saved catalogues."""
        return self.inner.catalogues

    def save_catalogues(self, catalogues: Catalogues, /) -> None:
        """Save the catalogues in the inner unit (not counted as a step)."""
        self.inner.save_catalogues(catalogues)

    def __enter__(self) -> Self:
        self.inner.__enter__()
        self.steps = 0
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        """Commit, unless this is the step that fails."""
        self._step("commit", self.inner.commit)

    def rollback(self) -> None:
        """Roll back (never fails on purpose)."""
        self.inner.rollback()


def fail_at_every_step(
    uow_factory: UnitOfWorkFactory,
    operation: Callable[[UnitOfWork], T],
    *,
    when: Literal["before", "after"] = "before",
) -> tuple[list[str], T | None]:
    """Run ``operation`` on a :class:`FailingUnitOfWork` failing at step 1, then 2, 3 ...
    until a run gets through, asserting after each failure that the store is exactly as
    it was before (:func:`snapshot`).

    Returns the failure messages in step order and what the run that got through
    returned. With ``when="after"`` the last step, the commit, fails after committing:
    that one is durable, so it ends the runs uncounted and the result is None.

    >>> from leadkit.repository import InMemoryStore
    >>> from leadkit.model import User
    >>> store = InMemoryStore()
    >>> def add_two(uow):
    ...     with uow:
    ...         uow.users.add(User(id="u-1", name="A"))
    ...         uow.users.add(User(id="u-2", name="B"))
    ...         uow.commit()
    ...     return "done"
    >>> failures, result = fail_at_every_step(store.unit_of_work, add_two)
    >>> len(failures), failures[-1], result
    (3, 'injected failure at write step 3 (commit)', 'done')
    """
    before = snapshot(uow_factory)
    failures: list[str] = []
    step = 0
    while True:
        step += 1
        uow = FailingUnitOfWork(uow_factory(), fail_at=step, when=when)
        fault: InjectedFault | None = None
        try:
            result = operation(uow)
        except InjectedFault as injected:
            fault = injected
        if fault is None:
            assert uow.steps == step - 1  # no fault: every step was taken
            return failures, result
        if when == "after" and "(commit)" in str(fault):
            return failures, None  # the commit went through before the fault
        failures.append(str(fault))
        assert snapshot(uow_factory) == before, f"{fault} left a trace"


# ---------------------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------------------

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
U1, U2 = OwnerRef.user("u-1"), OwnerRef.user("u-2")


def _lead(**changes: Any) -> Lead:
    fields: dict[str, Any] = {
        "name": PersonName("山田", "太郎"),
        "company": "ABC",
        "created_at": T0,
    }
    return Lead(**{**fields, **changes})


def _account(**changes: Any) -> Account:
    return Account(**{"name": "ABC", "created_at": T0, **changes})


def _contact(account_id: str, **changes: Any) -> Contact:
    fields = {"account_id": account_id, "name": PersonName("Smith"), "created_at": T0}
    return Contact(**{**fields, **changes})


def _converted(lead: Lead) -> Lead:
    conversion = LeadConversion(
        converted_at=T0, status="Closed - Converted", account_id="a-x", contact_id="c-x"
    )
    return attrs.evolve(lead, status="Closed - Converted", conversion=conversion)


_RECORDS = st.one_of(
    lks.leads(),
    lks.accounts(),
    lks.contacts(),
    lks.opportunities(),
    lks.tasks(),
    lks.calendar_events(),
    lks.campaigns(),
    lks.campaign_members(),
    lks.engagement_events(),
    lks.users(),
    lks.queues(),
)

_REPOSITORY_OF: dict[type, str] = {
    Lead: "leads",
    Account: "accounts",
    Contact: "contacts",
    Opportunity: "opportunities",
    Task: "tasks",
    Event: "events",
    CampaignMember: "campaign_members",
    EngagementEvent: "engagement_events",
    Campaign: "campaigns",
    User: "users",
    Queue: "queues",
}


class UnitOfWorkContract:
    """Tests every :class:`~leadkit.repository.UnitOfWork` adapter must pass.

    Subclass it as ``TestSomething`` and give it a ``uow_factory`` fixture returning fresh
    units of work over an empty store. Each test states one promise of the protocols.
    """

    # -- transactions --------------------------------------------------------------------

    def test_committed_records_are_visible_to_later_units(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        lead = _lead(email="taro@abc.co.jp")
        with uow_factory() as uow:
            assert uow.leads.add(lead) == lead
            uow.commit()
        with uow_factory() as uow:
            assert uow.leads.get(lead.id) == lead

    def test_nothing_is_written_without_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()
        with uow_factory() as uow:
            uow.leads.add(lead)
            assert uow.leads.get(lead.id) == lead  # visible inside the unit
        with uow_factory() as uow:
            assert uow.leads.find(lead.id) is None
            assert len(uow.leads) == 0

    def test_an_exception_rolls_back(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()

        def fail_half_way() -> None:
            with uow_factory() as uow:
                uow.leads.add(lead)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            fail_half_way()
        with uow_factory() as uow:
            assert lead.id not in uow.leads

    def test_rollback_discards_writes_and_the_unit_goes_on(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = _lead(), _lead()
        with uow_factory() as uow:
            uow.leads.add(first)
            uow.rollback()
            assert uow.leads.find(first.id) is None
            uow.leads.add(second)
            uow.commit()
        with uow_factory() as uow:
            assert [lead.id for lead in uow.leads] == [second.id]

    def test_work_after_a_commit_is_a_new_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        kept, dropped = _account(), _account()
        with uow_factory() as uow:
            uow.accounts.add(kept)
            uow.commit()
            uow.accounts.add(dropped)
        with uow_factory() as uow:
            assert kept.id in uow.accounts
            assert dropped.id not in uow.accounts

    def test_a_unit_can_be_entered_again(self, uow_factory: UnitOfWorkFactory) -> None:
        uow = uow_factory()
        account = _account()
        with uow:
            uow.accounts.add(account)
            uow.commit()
        with uow:
            assert uow.accounts.get(account.id) == account

    def test_repositories_are_unreachable_outside_the_block(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        uow = uow_factory()
        with pytest.raises(UnitOfWorkStateError):
            uow.leads.add(_lead())
        with uow:
            pass
        with pytest.raises(UnitOfWorkStateError):
            uow.accounts.find("a-1")

    def test_a_failed_commit_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()
        with uow_factory() as uow:
            uow.leads.add(lead)
            uow.commit()
        with uow_factory() as uow:
            stale = uow.leads.get(lead.id)
            uow.leads.update(attrs.evolve(stale, title="CEO"))
            uow.commit()
        account = _account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            with pytest.raises(ConcurrencyError):
                uow.leads.update(attrs.evolve(stale, title="CTO"))
            uow.rollback()
        with uow_factory() as uow:
            assert uow.leads.get(lead.id).title == "CEO"
            assert account.id not in uow.accounts

    # -- reading -------------------------------------------------------------------------

    def test_missing_ids(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFoundError) as raised:
                uow.contacts.get("c-missing")
            assert "c-missing" in str(raised.value)
            assert uow.contacts.find("c-missing") is None
            assert "c-missing" not in uow.contacts

    def test_get_many_keeps_the_order_given_and_names_missing_ids(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        a, b, c = _account(name="A"), _account(name="B"), _account(name="C")
        with uow_factory() as uow:
            for account in (a, b, c):
                uow.accounts.add(account)
            assert uow.accounts.get_many([c.id, a.id, c.id]) == [c, a, c]
            with pytest.raises(NotFoundError) as raised:
                uow.accounts.get_many([a.id, "a-nope", "a-gone"])
            assert "a-nope" in str(raised.value)
            assert "a-gone" in str(raised.value)

    def test_all_iteration_and_len_follow_insertion_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        users = [User(id=f"u-{n}", name=f"User {n}") for n in (3, 1, 2)]
        with uow_factory() as uow:
            for user in users[:2]:
                uow.users.add(user)
            uow.commit()
        with uow_factory() as uow:
            uow.users.add(users[2])
            first = uow.users.get("u-3")
            uow.users.update(attrs.evolve(first, name="Renamed"))
            assert [u.id for u in uow.users.all()] == ["u-3", "u-1", "u-2"]
            assert [u.id for u in uow.users] == ["u-3", "u-1", "u-2"]
            assert len(uow.users) == 3

    # Each subclass runs the inherited test on its own adapter ("differing executors"), and
    # the fixture's store is shared by the examples on purpose: ids are made unique.
    @settings(
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ]
    )
    @given(record=_RECORDS)
    def test_every_kind_of_record_round_trips(
        self, uow_factory: UnitOfWorkFactory, record: Any
    ) -> None:
        repository = _REPOSITORY_OF[type(record)]
        # Examples share the fixture's store; Hypothesis may repeat ids across examples.
        record = attrs.evolve(record, id=f"{record.id}-{uuid.uuid4().hex}")
        with uow_factory() as uow:
            getattr(uow, repository).add(record)
            uow.commit()
        with uow_factory() as uow:
            assert getattr(uow, repository).get(record.id) == record

    # -- writing -------------------------------------------------------------------------

    def test_add_refuses_a_taken_id(self, uow_factory: UnitOfWorkFactory) -> None:
        account = _account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            with pytest.raises(DuplicateIdError):
                uow.accounts.add(attrs.evolve(account, name="Other"))
            uow.commit()
        with uow_factory() as uow:
            with pytest.raises(DuplicateIdError):
                uow.accounts.add(account)
            assert uow.accounts.get(account.id).name == "ABC"

    def test_add_refuses_the_wrong_kind(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(ValidationError):
                uow.accounts.add(cast(Any, _lead()))
            assert len(uow.accounts) == 0
            assert len(uow.leads) == 0

    def test_update_bumps_the_version_and_returns_the_stored_record(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        lead = _lead(version=4)
        with uow_factory() as uow:
            uow.leads.add(lead)
            stored = uow.leads.update(attrs.evolve(lead, title="部長"))
            assert stored.version == 5
            assert stored.title == "部長"
            again = uow.leads.update(attrs.evolve(stored, title="課長"))
            assert again.version == 6
            uow.commit()
        with uow_factory() as uow:
            assert uow.leads.get(lead.id) == again

    def test_a_stale_update_raises_and_changes_nothing(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        account = _account()
        with uow_factory() as uow:
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            fresh = uow.accounts.update(attrs.evolve(account, phone="03-1111-2222"))
            uow.commit()
        with uow_factory() as uow:
            with pytest.raises(ConcurrencyError) as raised:
                uow.accounts.update(attrs.evolve(account, phone="06-9999-0000"))
            assert raised.value.code == "concurrent_modification"
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account.id) == fresh

    def test_update_of_a_missing_record_raises_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow, pytest.raises(NotFoundError):
            uow.accounts.update(_account())

    def test_remove_checks_the_version(self, uow_factory: UnitOfWorkFactory) -> None:
        kept, removed = _account(name="Kept"), _account(name="Removed")
        with uow_factory() as uow:
            uow.accounts.add(kept)
            uow.accounts.add(removed)
            uow.commit()
        with uow_factory() as uow:
            newer = uow.accounts.update(attrs.evolve(kept, phone="03-1234-5678"))
            with pytest.raises(ConcurrencyError):
                uow.accounts.remove(kept)
            uow.accounts.remove(removed)
            assert removed.id not in uow.accounts
            assert uow.accounts.by_company_key("Removed") == []
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.all() == [newer]
            with pytest.raises(NotFoundError):
                uow.accounts.remove(removed)

    # -- converted leads -----------------------------------------------------------------

    def test_a_converted_lead_is_read_only(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()
        with uow_factory() as uow:
            uow.leads.add(lead)
            converted = uow.leads.save_conversion(_converted(lead))
            assert converted.version == lead.version + 1
            assert converted.is_converted
            uow.commit()
        with uow_factory() as uow:
            with pytest.raises(LeadReadOnlyError) as raised:
                uow.leads.update(attrs.evolve(converted, title="CEO"))
            assert raised.value.code == "lead_read_only"
            with pytest.raises(LeadReadOnlyError):
                uow.leads.remove(converted)
            with pytest.raises(LeadReadOnlyError):
                uow.leads.save_conversion(converted)
            uow.commit()
        with uow_factory() as uow:
            assert uow.leads.get(lead.id) == converted

    def test_update_cannot_convert_a_lead(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()
        with uow_factory() as uow:
            uow.leads.add(lead)
            with pytest.raises(LeadReadOnlyError):
                uow.leads.update(_converted(lead))
            with pytest.raises(ValidationError):
                uow.leads.save_conversion(lead)  # no conversion set
            assert not uow.leads.get(lead.id).is_converted

    def test_save_conversion_checks_the_version(self, uow_factory: UnitOfWorkFactory) -> None:
        lead = _lead()
        with uow_factory() as uow:
            uow.leads.add(lead)
            uow.leads.update(attrs.evolve(lead, title="CEO"))
            with pytest.raises(ConcurrencyError):
                uow.leads.save_conversion(_converted(lead))

    # -- finders -------------------------------------------------------------------------

    def test_lead_finders_use_normalised_keys(self, uow_factory: UnitOfWorkFactory) -> None:
        taro = _lead(email="Taro@ABC.co.jp", company="株式会社ＡＢＣ", phone="03-1234-5678")
        hana = _lead(email="hana@abc.co.jp", company="ABC Co., Ltd.", mobile="+81 3 1234 5678")
        other = _lead(email="x@other.jp", company="Other", owner=U2)
        with uow_factory() as uow:
            for lead in (taro, hana, other):
                uow.leads.add(lead)
            uow.commit()
        with uow_factory() as uow:
            assert uow.leads.by_email_key("taro@abc.co.jp") == [taro]
            assert uow.leads.by_email_key(" TARO@abc.CO.JP") == [taro]
            assert uow.leads.by_company_key("abc") == [taro, hana]
            assert uow.leads.by_company_key("ABC株式会社") == [taro, hana]
            assert uow.leads.by_phone_key("+81312345678") == [taro, hana]
            assert uow.leads.by_owner(U2) == [other]
            assert uow.leads.by_email_key("nobody@abc.co.jp") == []
            assert uow.leads.by_phone_key("no digits") == []

    def test_finders_follow_uncommitted_updates_and_removals(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first = _lead(email="a@abc.co.jp")
        second = _lead(email="b@abc.co.jp")
        with uow_factory() as uow:
            uow.leads.add(first)
            uow.leads.add(second)
            uow.commit()
        with uow_factory() as uow:
            moved = uow.leads.update(attrs.evolve(first, email="b@abc.co.jp"))
            assert uow.leads.by_email_key("a@abc.co.jp") == []
            assert uow.leads.by_email_key("b@abc.co.jp") == [moved, second]
            uow.leads.remove(second)
            added = _lead(email="b@abc.co.jp")
            uow.leads.add(added)
            assert uow.leads.by_email_key("b@abc.co.jp") == [moved, added]
        with uow_factory() as uow:
            assert uow.leads.by_email_key("a@abc.co.jp") == [first]
            assert uow.leads.by_email_key("b@abc.co.jp") == [second]

    def test_count_open_leads_by_owner(self, uow_factory: UnitOfWorkFactory) -> None:
        queue = OwnerRef.queue("q-1")
        leads = [
            _lead(owner=U1),
            _lead(owner=U1, status="Working - Contacted"),
            _lead(owner=U1, status="Closed - Not Converted"),
            _converted(_lead(owner=U1)),
            _lead(owner=U1, master_record_id="lead-master"),
            _lead(owner=U2, status="Nurturing"),
            _lead(owner=queue),
            _lead(),
        ]
        with uow_factory() as uow:
            for lead in leads:
                uow.leads.add(lead)
            uow.commit()
        with uow_factory() as uow:
            assert uow.leads.count_open_by_owner() == {U1: 2, U2: 1, queue: 1}
            custom = uow.leads.count_open_by_owner(closed_statuses=["Nurturing"])
            assert custom == {U1: 3, queue: 1}
            uow.leads.update(attrs.evolve(leads[0], owner=U2))
            assert uow.leads.count_open_by_owner() == {U1: 1, U2: 2, queue: 1}

    def test_account_finders(self, uow_factory: UnitOfWorkFactory) -> None:
        abc = _account(name="株式会社ABC", website="https://www.abc.co.jp/")
        abc_inc = _account(name="ABC, Inc.", website="abc.com")
        with uow_factory() as uow:
            uow.accounts.add(abc)
            uow.accounts.add(abc_inc)
            assert uow.accounts.by_company_key("ＡＢＣ（株）") == [abc, abc_inc]
            assert uow.accounts.by_domain("abc.co.jp") == [abc]
            assert uow.accounts.by_domain("http://ABC.com/contact") == [abc_inc]
            assert uow.accounts.by_domain("xyz.jp") == []

    def test_accounts_by_parent(self, uow_factory: UnitOfWorkFactory) -> None:
        head = _account(name="ABC Holdings")
        osaka = _account(name="ABC Osaka", parent_id=head.id)
        nagoya = _account(name="ABC Nagoya", parent_id=head.id)
        with uow_factory() as uow:
            for account in (head, osaka, nagoya):
                uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.by_parent(head.id) == [osaka, nagoya]
            assert uow.accounts.by_parent(osaka.id) == []
            moved = uow.accounts.update(attrs.evolve(nagoya, parent_id=osaka.id))
            assert uow.accounts.by_parent(head.id) == [osaka]
            assert uow.accounts.by_parent(osaka.id) == [moved]
            with pytest.raises(ValidationError):
                uow.accounts.by_parent("")

    def test_contact_finders(self, uow_factory: UnitOfWorkFactory) -> None:
        one = _contact("a-1", email="Sato@abc.co.jp", phone="03-1234-5678")
        two = _contact("a-1", mobile="090-1111-2222")
        three = _contact("a-2", email="sato@abc.co.jp")
        with uow_factory() as uow:
            for contact in (one, two, three):
                uow.contacts.add(contact)
            uow.commit()
        with uow_factory() as uow:
            assert uow.contacts.by_account("a-1") == [one, two]
            assert uow.contacts.by_email_key("sato@abc.co.jp") == [one, three]
            assert uow.contacts.by_phone_key("09011112222") == [two]
            assert uow.contacts.by_account("a-3") == []

    def test_opportunity_finders(self, uow_factory: UnitOfWorkFactory) -> None:
        close = date(2026, 6, 30)
        deal = Opportunity(
            name="Deal", account_id="a-1", close_date=close, created_at=T0, campaign_id="cmp-1"
        )
        other = Opportunity(name="Other", account_id="a-2", close_date=close, created_at=T0)
        with uow_factory() as uow:
            uow.opportunities.add(deal)
            uow.opportunities.add(other)
            assert uow.opportunities.by_account("a-1") == [deal]
            assert uow.opportunities.by_campaign("cmp-1") == [deal]

    def test_activity_finders(self, uow_factory: UnitOfWorkFactory) -> None:
        call = Task(subject="Call", lead_id="l-1", created_at=T0)
        follow = Task(
            subject="Follow up", contact_id="c-1", account_id="a-1", opportunity_id="o-1",
            created_at=T0,
        )  # fmt: skip
        visit = Event(
            subject="Visit", start=T0, end=T0 + timedelta(hours=1), account_id="a-1",
            created_at=T0,
        )  # fmt: skip
        with uow_factory() as uow:
            uow.tasks.add(call)
            uow.tasks.add(follow)
            uow.events.add(visit)
            uow.commit()
        with uow_factory() as uow:
            assert uow.tasks.by_lead("l-1") == [call]
            assert uow.tasks.by_contact("c-1") == [follow]
            assert uow.tasks.by_account("a-1") == [follow]
            assert uow.tasks.by_opportunity("o-1") == [follow]
            assert uow.events.by_account("a-1") == [visit]
            assert uow.events.by_lead("l-1") == []

    def test_campaign_member_and_engagement_finders(self, uow_factory: UnitOfWorkFactory) -> None:
        lead_member = CampaignMember(campaign_id="cmp-1", lead_id="l-1", created_at=T0)
        contact_member = CampaignMember(campaign_id="cmp-1", contact_id="c-1", created_at=T0)
        view = EngagementEvent(kind="page_view", occurred_at=T0, lead_id="l-1")
        click = EngagementEvent(kind="email_click", occurred_at=T0, contact_id="c-1")
        with uow_factory() as uow:
            uow.campaign_members.add(lead_member)
            uow.campaign_members.add(contact_member)
            uow.engagement_events.add(view)
            uow.engagement_events.add(click)
            uow.commit()
        with uow_factory() as uow:
            assert uow.campaign_members.by_campaign("cmp-1") == [lead_member, contact_member]
            assert uow.campaign_members.by_lead("l-1") == [lead_member]
            assert uow.campaign_members.by_contact("c-1") == [contact_member]
            assert uow.engagement_events.by_lead("l-1") == [view]
            assert uow.engagement_events.by_contact("c-1") == [click]
            moved = uow.campaign_members.update(
                attrs.evolve(lead_member, lead_id=None, contact_id="c-1")
            )
            assert uow.campaign_members.by_lead("l-1") == []
            assert uow.campaign_members.by_contact("c-1") == [moved, contact_member]

    def test_snapshot_sees_every_repository(self, uow_factory: UnitOfWorkFactory) -> None:
        empty = snapshot(uow_factory)
        assert set(empty) == set(REPOSITORY_NAMES)
        assert all(records == [] for records in empty.values())
        with uow_factory() as uow:
            uow.users.add(User(id="u-9", name="New"))
            uow.commit()
        assert snapshot(uow_factory)["users"] == [User(id="u-9", name="New")]

    # -- routing state and rate limits -----------------------------------------------------

    def test_routing_state_is_part_of_the_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.routing_state.get("open/u-1") is None
            uow.routing_state.set("open/u-1", 2)
            uow.routing_state.set("pool/p/next", 7)
            assert uow.routing_state.get("open/u-1") == 2  # a unit sees its own writes
            uow.leads.add(_lead())
            # not committed: the state rolls back with the records
        with uow_factory() as uow:
            assert uow.routing_state.items() == {}
            assert len(uow.leads) == 0
            uow.routing_state.set("open/u-1", 2)
            uow.routing_state.set("pool/p/next", 7)
            uow.commit()
        with uow_factory() as uow:
            uow.routing_state.set("open/u-1", 3)
            uow.rollback()
            assert uow.routing_state.items() == {"open/u-1": 2, "pool/p/next": 7}

    def test_rate_limits_are_part_of_the_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        minute = timedelta(minutes=1)
        with uow_factory() as uow:
            for m in (3, 1, 2, 1):
                uow.rate_limits.add("ip", T0 + m * minute)
            uow.rate_limits.add("other", T0)
            assert uow.rate_limits.latest("ip") == T0 + 3 * minute
            uow.commit()
        with uow_factory() as uow:
            limits = uow.rate_limits
            # (after, until]: the lower end is open, the upper closed; oldest first.
            assert limits.hits("ip", after=T0 + minute, until=T0 + 3 * minute) == [
                T0 + 2 * minute,
                T0 + 3 * minute,
            ]
            assert limits.hits("ip", after=T0, until=T0 + minute) == [T0 + minute] * 2
            assert limits.remove("ip", T0 + minute)  # one of the two
            assert not limits.remove("ip", T0 + 4 * minute)
            assert limits.hits("ip", after=T0, until=T0 + minute) == [T0 + minute]
            limits.forget("ip", until=T0 + 2 * minute)
            assert limits.hits("ip", after=T0 - minute, until=T0 + 9 * minute) == [T0 + 3 * minute]
            assert limits.latest("nobody") is None
            # not committed
        with uow_factory() as uow:
            assert len(uow.rate_limits.hits("ip", after=T0, until=T0 + 9 * minute)) == 4
            assert uow.rate_limits.hits("other", after=T0 - minute, until=T0) == [T0]

    # -- enrolments and the outbox (issue 17) -------------------------------------------

    def test_enrolments_are_part_of_the_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        from leadkit.nurture import Enrolment, Visit

        first = Enrolment("welcome", "l-1", T0, "mail-1", T0)
        other = Enrolment("welcome", "l-2", T0, "mail-1", T0)
        with uow_factory() as uow:
            uow.enrolments.save(first)
            uow.enrolments.save(other)
            assert uow.enrolments.get("welcome", "l-1") == first  # a unit sees its writes
            # not committed
        with uow_factory() as uow:
            assert len(uow.enrolments) == 0
            assert uow.enrolments.find("welcome", "l-1") is None
            with pytest.raises(NotFoundError):
                uow.enrolments.get("welcome", "l-1")
            uow.enrolments.save_all([first, other])
            uow.commit()
        later = attrs.evolve(
            first, step=None, status="completed", visits=(Visit("mail-1", T0, "sent"),)
        )
        again = Enrolment("welcome", "l-1", T0 + timedelta(days=30), "mail-1", T0)
        with uow_factory() as uow:
            uow.enrolments.save(later)  # the next state of the same enrolment
            uow.enrolments.save(again)  # a re-entry: a second enrolment
            uow.enrolments.save(Enrolment("other", "l-1", T0, "x", T0))
            uow.commit()
        with uow_factory() as uow:
            assert uow.enrolments.history("welcome", "l-1") == [later, again]
            assert uow.enrolments.get("welcome", "l-1") == again  # the latest entry
            assert uow.enrolments.by_program("welcome") == [later, other, again]
            assert uow.enrolments.by_program("welcome", active=True) == [other, again]
            assert uow.enrolments.by_program("welcome", active=False) == [later]
            assert [e.program for e in uow.enrolments.by_lead("l-1")] == [
                "welcome",
                "welcome",
                "other",
            ]
            assert len(uow.enrolments) == 4

    def test_the_outbox_is_part_of_the_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        from leadkit.outbox import LeadCreated, LeadsMerged

        created, merged = LeadCreated("l-1", T0), LeadsMerged("l-2", "l-1")
        with uow_factory() as uow:
            assert uow.outbox.add(created)
            # rolled back: no event for a change that did not happen
        with uow_factory() as uow:
            assert len(uow.outbox) == 0
            assert uow.outbox.add(created)
            assert not uow.outbox.add(LeadCreated("l-1", T0))  # same id: one entry
            assert uow.outbox.add(merged)
            uow.commit()
        with uow_factory() as uow:
            pending = uow.outbox.pending()
            assert [entry.id for entry in pending] == [created.id, merged.id]
            assert pending[0].seq < pending[1].seq
            assert [entry.event for entry in pending] == [created, merged]
            found = uow.outbox.find(created.id)
            assert found is not None
            assert found.attempts == 0
            assert not found.delivered
            assert uow.outbox.find("evt-none") is None

    def test_outbox_claims_keep_each_leads_order_and_mark_once(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from leadkit.outbox import LeadAssigned, LeadCreated

        a1, b1 = LeadCreated("a", T0), LeadCreated("b", T0)
        a2 = LeadAssigned("a", 2, "user:u-1")
        lease, minute = timedelta(minutes=5), timedelta(minutes=1)
        with uow_factory() as uow:
            for event in (a1, b1, a2):
                uow.outbox.add(event)
            uow.commit()
        with uow_factory() as uow:
            first = uow.outbox.claim(token="d1", now=T0, lease=lease, limit=1)
            assert [e.id for e in first] == [a1.id]
            assert first[0].attempts == 1
            uow.commit()
        with uow_factory() as uow:
            # a1 is leased to d1: lead a's later event waits; lead b's is free.
            second = uow.outbox.claim(token="d2", now=T0 + minute, lease=lease)
            assert [e.id for e in second] == [b1.id]
            assert not uow.outbox.mark_delivered(a1.id, token="d2", at=T0)  # not d2's
            assert uow.outbox.mark_delivered(b1.id, token="d2", at=T0 + minute)
            assert not uow.outbox.mark_delivered(b1.id, token="d2", at=T0 + minute)  # once
            assert uow.outbox.mark_failed(a1.id, token="d1", error="boom", retry_at=T0 + lease)
            uow.commit()
        with uow_factory() as uow:
            failed = uow.outbox.find(a1.id)
            assert failed is not None
            assert failed.last_error == "boom"
            assert uow.outbox.claim(token="d2", now=T0 + 2 * minute, lease=lease) == []
            retried = uow.outbox.claim(token="d2", now=T0 + lease, lease=lease)
            assert [e.id for e in retried] == [a1.id, a2.id]
            assert retried[0].attempts == 2
            assert uow.outbox.release(a2.id, token="d2")
            assert uow.outbox.mark_delivered(a1.id, token="d2", at=T0 + lease)
            uow.commit()
        with uow_factory() as uow:
            assert [e.id for e in uow.outbox.pending()] == [a2.id]
            released = uow.outbox.find(a2.id)
            assert released is not None
            assert released.attempts == 0
            # a lease that ran out is taken over; the old holder can no longer mark it
            assert uow.outbox.claim(token="d3", now=T0 + lease, lease=lease)[0].id == a2.id
            late = T0 + 3 * lease
            assert [e.id for e in uow.outbox.claim(token="d4", now=late, lease=lease)] == [a2.id]
            assert not uow.outbox.mark_delivered(a2.id, token="d3", at=late)
            assert uow.outbox.mark_delivered(a2.id, token="d4", at=late)
            uow.commit()
        with uow_factory() as uow:
            assert uow.outbox.pending() == []
            assert len(uow.outbox) == 3

    # -- visitor events and links (issue 20) ----------------------------------------------

    def test_visitor_events_and_links_are_part_of_the_transaction(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from leadkit.visitors import VisitorEvent, VisitorLink

        def visit(visitor: str, minutes: int, id: str) -> VisitorEvent:
            return VisitorEvent(
                visitor,
                kind="page_view",
                occurred_at=T0 + timedelta(minutes=minutes),
                properties={"url": "/料金", "n": minutes},
                id=id,
            )

        # Stored out of time order, with a tie on time broken by id (code points).
        late, tie_b = visit("v-1", 9, "ev-b2"), visit("v-1", 5, "ev-b")
        tie_a = visit("v-1", 5, "ev-B")
        other = visit("v-2", 1, "ev-c")
        link = VisitorLink("v-1", lead_id="l-1", linked_at=T0)
        with uow_factory() as uow:
            assert uow.visitors.add_event(late)
            assert uow.visitors.events_of("v-1") == [late]  # a unit sees its writes
            uow.visitors.save_link(link)
            # not committed
        with uow_factory() as uow:
            assert uow.visitors.events_of("v-1") == []
            assert uow.visitors.link_of("v-1") is None
            assert uow.visitors.add_events([late, tie_b, tie_a, other]) == 4
            assert not uow.visitors.add_event(late)  # the same id again: nothing written
            changed = attrs.evolve(late, kind="download")
            assert not uow.visitors.add_event(changed)  # nor replaced
            assert uow.visitors.save_link(link) == link
            uow.visitors.save_link(VisitorLink("v-0", lead_id="l-1", linked_at=T0))
            uow.visitors.save_link(VisitorLink("v-2", contact_id="c-1", linked_at=T0))
            uow.commit()
        with uow_factory() as uow:
            assert uow.visitors.events_of("v-1") == [tie_a, tie_b, late]
            assert uow.visitors.events_of("v-2") == [other]
            assert uow.visitors.events_of("nobody") == []
            assert uow.visitors.link_of("v-1") == link
            assert [k.visitor_id for k in uow.visitors.links_of(lead_id="l-1")] == ["v-0", "v-1"]
            assert uow.visitors.links_of(contact_id="c-1")[0].visitor_id == "v-2"
            assert uow.visitors.links_of(lead_id="c-1") == []
            moved = attrs.evolve(link, lead_id="l-2")
            uow.visitors.save_link(moved)  # replaced: a visitor has one link
            uow.commit()
        with uow_factory() as uow:
            assert uow.visitors.link_of("v-1") == moved
            assert [k.visitor_id for k in uow.visitors.links_of(lead_id="l-1")] == ["v-0"]
            with pytest.raises(ValidationError):
                uow.visitors.links_of(lead_id="l-1", contact_id="c-1")
            with pytest.raises(ValidationError):
                uow.visitors.add_event(cast(Any, link))

    def test_identify_and_merge_on_stored_visitors(self, uow_factory: UnitOfWorkFactory) -> None:
        from leadkit.dedupe import merge_leads
        from leadkit.visitors import VisitorEvent, identify_in

        with uow_factory() as uow:
            for lead_id in ("l-1", "l-2"):
                uow.leads.add(_lead(id=lead_id))
            for n, visitor in enumerate(("laptop", "phone", "phone")):
                uow.visitors.add_event(
                    VisitorEvent(visitor, kind="page_view", occurred_at=T0, id=f"ev-{n}")
                )
            uow.commit()
        with uow_factory() as uow:
            first = identify_in(uow, visitor_id="laptop", lead_id="l-1", as_of=T0)
            assert [e.id for e in first.events] == ["ev-0"]
            identify_in(uow, visitor_id="phone", lead_id="l-2", as_of=T0)
            uow.commit()
        with uow_factory() as uow:
            again = identify_in(uow, visitor_id="phone", lead_id="l-2", as_of=T0)
            assert again.events == ()
            assert not again.new_link
            assert len(uow.engagement_events) == 3
            uow.commit()
        result = merge_leads("l-1", ["l-2"], uow_factory())
        assert result.moved["visitors"] == ("phone",)
        with uow_factory() as uow:
            assert [k.visitor_id for k in uow.visitors.links_of(lead_id="l-1")] == [
                "laptop",
                "phone",
            ]
            assert sorted(e.id for e in uow.engagement_events.by_lead("l-1")) == [
                "ev-0",
                "ev-1",
                "ev-2",
            ]
            after = identify_in(uow, visitor_id="phone", lead_id="l-1", as_of=T0)
            assert after.events == ()

    def test_catalogues_are_kept_in_the_stores_configuration(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from leadkit.model import DEFAULT_STATUSES, LeadStatus, StatusCatalogue, active_statuses

        mine = Catalogues(
            statuses=StatusCatalogue(
                (*DEFAULT_STATUSES.statuses, LeadStatus("Calling", "架電中")),
            )
        )
        with uow_factory() as uow:
            uow.save_catalogues(mine)
            uow.leads.add(
                Lead(id="cat-1", name=PersonName("佐藤"), company="ABC", status="架電中",
                     created_at=T0)
            )  # fmt: skip
            # not committed: neither the lead nor the catalogues are kept
        with uow_factory() as uow:
            assert uow.catalogues is None
            assert uow.leads.find("cat-1") is None
            uow.save_catalogues(mine)
            uow.leads.add(
                Lead(id="cat-1", name=PersonName("佐藤"), company="ABC", status="架電中",
                     created_at=T0)
            )  # fmt: skip
            uow.commit()
        assert "Calling" not in active_statuses()
        with uow_factory() as uow:
            assert uow.catalogues == mine
            assert uow.leads.get("cat-1").status == "Calling"

    # -- decisions that are kept: stage histories and routing decisions (issue 19) -------

    def test_stage_histories_are_part_of_the_transaction(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from leadkit.stages import Stage, StageHistory, accept, reject, set_status, transition

        h1 = transition(StageHistory("l-1"), Stage.INQUIRY, at=T0, by="form")
        h1 = transition(h1, Stage.MQL, at=T0 + timedelta(hours=1), by="policy:default")
        h2 = transition(StageHistory("l-2"), Stage.SGL, at=T0, by="u-1")
        with uow_factory() as uow:
            assert uow.stage_histories.save(h1) == h1
            assert uow.stage_histories.get("l-1") == h1  # a unit sees its writes
            # not committed
        with uow_factory() as uow:
            assert uow.stage_histories.find("l-1") is None
            assert uow.stage_histories.of("l-1") == StageHistory("l-1")
            with pytest.raises(NotFoundError):
                uow.stage_histories.get("l-1")
            assert len(uow.stage_histories) == 0
            uow.stage_histories.save(h2)
            uow.stage_histories.save(h1)
            uow.commit()
        later = accept(h1, at=T0 + timedelta(days=1), by="u-1")
        later = set_status(later, "Working - Contacted", at=T0 + timedelta(days=1), by="u-1")
        with uow_factory() as uow:
            uow.stage_histories.save(later)  # two new steps on the stored ones
            uow.stage_histories.save(later)  # nothing new: nothing written
            uow.commit()
        with uow_factory() as uow:
            assert uow.stage_histories.get("l-1") == later
            assert uow.stage_histories.get("l-1").current is Stage.SAL
            assert [h.lead_id for h in uow.stage_histories.all()] == ["l-2", "l-1"]
            assert len(uow.stage_histories) == 2
            # Append-only: a history that rewrites a stored step is refused, unwritten.
            other = reject(h1, at=T0 + timedelta(days=2), by="u-2", reason="予算なし")
            with pytest.raises(ValidationError) as refused:
                uow.stage_histories.save(other)
            assert refused.value.path == ("stage_histories", "l-1")
            with pytest.raises(ValidationError):
                uow.stage_histories.save(StageHistory("l-1"))  # dropping steps
            assert uow.stage_histories.get("l-1") == later

    @settings(
        max_examples=25,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(history=lks.stage_histories(), cut=st.integers(0, 6))
    def test_a_stored_stage_history_round_trips_exactly(
        self, uow_factory: UnitOfWorkFactory, history: Any, cut: int
    ) -> None:
        from leadkit.stages import StageHistory

        # Examples share the fixture's store: each gets its own lead id.
        lead_id = f"{history.lead_id}-{uuid.uuid4().hex}"
        full = StageHistory(lead_id, history.transitions, status_changes=history.status_changes)
        part = StageHistory(
            lead_id, history.transitions[:cut], status_changes=history.status_changes[:cut]
        )
        with uow_factory() as uow:
            uow.stage_histories.save(part)
            uow.commit()
        with uow_factory() as uow:
            uow.stage_histories.save(full)  # the rest, appended
            uow.commit()
        with uow_factory() as uow:
            stored = uow.stage_histories.of(lead_id)
            # A history with no step is not stored: nothing to find.
            assert (uow.stage_histories.find(lead_id) is None) is (
                not full.transitions and not full.status_changes
            )
        assert stored == full
        assert [str(t) for t in stored] == [str(t) for t in full]
        assert [t.at.utcoffset() for t in stored] == [t.at.utcoffset() for t in full]

    def test_routing_decisions_are_part_of_the_transaction(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        from leadkit.routing import MatchedEntry, RecordedDecision, RoutingDecision

        first = RecordedDecision.of(RoutingDecision("l-1", OwnerRef.queue("inbound"), None), at=T0)
        second = RecordedDecision.of(
            RoutingDecision("l-1", OwnerRef.user("u-1"), MatchedEntry(0, "関東")),
            at=T0 + timedelta(hours=2),
            previous_owner=OwnerRef.queue("inbound"),
        )
        other = RecordedDecision.of(
            RoutingDecision("l-2", OwnerRef.user("u-2"), MatchedEntry(1, "")), at=T0
        )
        with uow_factory() as uow:
            uow.routing_decisions.add(first)
            assert uow.routing_decisions.by_lead("l-1") == [first]  # a unit sees its writes
            # not committed
        with uow_factory() as uow:
            assert uow.routing_decisions.by_lead("l-1") == []
            assert uow.routing_decisions.latest("l-1") is None
            assert len(uow.routing_decisions) == 0
            uow.routing_decisions.add(first)
            uow.routing_decisions.add(other)
            uow.commit()
        with uow_factory() as uow:
            uow.routing_decisions.add(second)
            uow.commit()
        with uow_factory() as uow:
            assert uow.routing_decisions.by_lead("l-1") == [first, second]
            assert uow.routing_decisions.latest("l-1") == second
            assert uow.routing_decisions.all() == [first, other, second]
            assert uow.routing_decisions.assigned_at() == {
                "l-1": T0 + timedelta(hours=2),
                "l-2": T0,
            }
            assert uow.routing_decisions.assigned_at(["l-2", "l-9"]) == {"l-2": T0}
            with pytest.raises(ValidationError):
                uow.routing_decisions.add(second.explanation)  # type: ignore[arg-type]

    @settings(
        max_examples=25,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(decision=lks.recorded_decisions())
    def test_a_stored_routing_decision_round_trips_exactly(
        self, uow_factory: UnitOfWorkFactory, decision: Any
    ) -> None:
        decision = attrs.evolve(decision, lead_id=f"{decision.lead_id}-{uuid.uuid4().hex}")
        with uow_factory() as uow:
            uow.routing_decisions.add(decision)
            uow.commit()
        with uow_factory() as uow:
            assert uow.routing_decisions.by_lead(decision.lead_id) == [decision]


class PendingQueueContract:
    """The pending queue of web-to-lead submissions (issue 18), for adapters that keep
    one (``uow.pending_submissions``): part of the unit of work's transaction, oldest
    first, each id queued once. Subclass it beside :class:`UnitOfWorkContract` with the
    same ``uow_factory`` fixture."""

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        raise NotImplementedError("provide a uow_factory fixture (see the module docstring)")

    @staticmethod
    def _item(n: int) -> Any:
        from leadkit.repository import PendingSubmission

        fields = {"company": f"株式会社{n}", "姓": "山田", "note": "a\x00b <b>x</b>"}
        return PendingSubmission(
            id=f"p-{n}", form="web", fields=fields, received_at=T0 + timedelta(seconds=n),
            client="203.0.113.7" if n % 2 else None,
        )  # fmt: skip

    def test_the_queue_is_part_of_the_transaction(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            queue = cast(Any, uow).pending_submissions
            assert queue.add(self._item(1))
            assert queue.count() == 1
            # not committed: gone with the roll back
        with uow_factory() as uow:
            queue = cast(Any, uow).pending_submissions
            assert queue.count() == 0
            for n in (3, 1, 2):
                assert queue.add(self._item(n))
            assert not queue.add(self._item(1))  # an id is queued once
            uow.commit()
        with uow_factory() as uow:
            queue = cast(Any, uow).pending_submissions
            assert [item.id for item in queue.oldest(10)] == ["p-3", "p-1", "p-2"]
            assert queue.oldest(1) == [self._item(3)]  # stored exactly as given
            assert queue.get("p-1") == self._item(1)
            assert queue.remove("p-3")
            assert not queue.remove("p-3")
            assert queue.get("p-3") is None
            assert [item.id for item in queue.oldest(10)] == ["p-1", "p-2"]
            uow.rollback()
            assert queue.count() == 3
            assert queue.remove("p-3")
            uow.commit()
        with uow_factory() as uow:
            queue = cast(Any, uow).pending_submissions
            assert [item.id for item in queue.oldest(10)] == ["p-1", "p-2"]
            assert queue.get("nothing") is None
