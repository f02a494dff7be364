"""The account hierarchy (issue 19): branches (支店, 営業所) under a head office, no cycles,
no dangling parents, ancestors / descendants / roll-ups."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.accounts import AccountHierarchy, AccountTotals, account_totals, roll_up, set_parent
from leadkit.errors import ValidationError, format_path
from leadkit.model import (
    Account,
    Contact,
    EngagementEvent,
    Lead,
    Money,
    Opportunity,
    PersonName,
)
from leadkit.repository import InMemoryUnitOfWork

T = datetime(2026, 4, 1, tzinfo=UTC)
IDS = [f"a{n}" for n in range(6)]


def account(account_id: str, parent_id: str | None = None, name: str = "株式会社ABC") -> Account:
    return Account(id=account_id, name=name, parent_id=parent_id, created_at=T)


def test_ancestors_descendants_and_the_head_office() -> None:
    tree = AccountHierarchy(
        [
            account("hq"),
            account("osaka", "hq"),
            account("umeda", "osaka"),
            account("kobe", "hq"),
            account("other"),
        ]
    )
    assert tree.ancestors("umeda") == ("osaka", "hq")
    assert tree.ancestors("hq") == ()
    assert tree.descendants("hq") == ("kobe", "osaka", "umeda")
    assert tree.children("hq") == ("kobe", "osaka")
    assert tree.root("umeda") == "hq"
    assert tree.depth("umeda") == 2
    assert tree.roots() == ("hq", "other")
    with pytest.raises(ValidationError, match="no account 'x'"):
        tree.ancestors("x")


def test_a_dangling_parent_is_refused_with_its_path() -> None:
    with pytest.raises(ValidationError) as err:
        AccountHierarchy([account("hq"), account("osaka", "gone")])
    assert format_path(err.value.path) == "accounts.osaka.parent_id"
    assert err.value.code == "account_hierarchy"
    assert "dangling" in err.value.message


def test_a_stored_cycle_is_refused_with_its_path() -> None:
    with pytest.raises(ValidationError) as err:
        AccountHierarchy({"a": "c", "b": "a", "c": "b", "d": None})
    assert format_path(err.value.path) == "accounts.a.parent_id"
    assert err.value.message == "the parents make a cycle: a -> c -> b -> a"


def test_set_parent_checks_against_the_store() -> None:
    uow = InMemoryUnitOfWork()
    with uow:
        for item in (account("hq"), account("osaka", "hq"), account("umeda", "osaka")):
            uow.accounts.add(item)
        merged = Account(id="old", name="ABC", master_record_id="hq", created_at=T)
        uow.accounts.add(merged)
        uow.commit()
    with uow:
        with pytest.raises(ValidationError) as cycle:
            set_parent(uow, "hq", "umeda")
        assert format_path(cycle.value.path) == "accounts.hq.parent_id"
        assert "umeda -> osaka -> hq" in cycle.value.message
        with pytest.raises(ValidationError, match="dangling"):
            set_parent(uow, "osaka", "nowhere")
        with pytest.raises(ValidationError, match="merged into 'hq'"):
            set_parent(uow, "osaka", "old")
        with pytest.raises(ValidationError, match="its own parent"):
            set_parent(uow, "osaka", "osaka")
        moved = set_parent(uow, "umeda", "hq")
        assert moved.parent_id == "hq"
        assert set_parent(uow, "hq", None).parent_id is None
        uow.commit()
    with uow:
        assert [a.id for a in uow.accounts.by_parent("hq")] == ["osaka", "umeda"]


operations = st.lists(
    st.tuples(st.sampled_from(IDS), st.none() | st.sampled_from([*IDS, "ghost"])),
    max_size=30,
)


def _no_cycle(parents: dict[str, str | None]) -> bool:
    for start in parents:
        seen = set()
        current: str | None = start
        while current is not None:
            if current in seen or current not in parents:
                return False
            seen.add(current)
            current = parents[current]
    return True


@settings(max_examples=150, deadline=None)
@given(operations)
def test_no_sequence_of_set_parents_makes_a_cycle(ops: list[tuple[str, str | None]]) -> None:
    """Hypothesis: after any sequence of set-parent operations the hierarchy has no cycle
    and no dangling parent; a refused operation leaves it exactly as it was. The store's
    set_parent agrees with the in-memory hierarchy at every step."""
    tree = AccountHierarchy(dict.fromkeys(IDS))
    uow = InMemoryUnitOfWork()
    with uow:
        for account_id in IDS:
            uow.accounts.add(account(account_id))
        uow.commit()
    for child, parent in ops:
        before = tree
        refused: ValidationError | None = None
        try:
            tree = tree.with_parent(child, parent)
        except ValidationError as err:
            refused = err
        if refused is not None:
            assert refused.code == "account_hierarchy"
            assert tree == before
            with uow, pytest.raises(ValidationError) as stored:
                set_parent(uow, child, parent)
            assert stored.value.path == refused.path
        else:
            with uow:
                set_parent(uow, child, parent)
                uow.commit()
        assert _no_cycle(tree.parents)
        with uow:
            assert {a.id: a.parent_id for a in uow.accounts.all()} == tree.parents
    for account_id in tree:
        assert account_id not in tree.ancestors(account_id)
        assert tree.parent(tree.root(account_id)) is None


@st.composite
def trees(draw: st.DrawFn) -> AccountHierarchy:
    count = draw(st.integers(1, 8))
    parents: dict[str, str | None] = {}
    for n in range(count):
        # Parents among the accounts made before: a forest by construction.
        parents[f"a{n}"] = draw(st.none() | st.sampled_from(list(parents))) if parents else None
    return AccountHierarchy(parents)


totals = st.builds(
    AccountTotals,
    open_leads=st.integers(0, 5),
    contacts=st.integers(0, 5),
    open_opportunities=st.integers(0, 3),
    pipeline=st.lists(
        st.tuples(st.sampled_from(["JPY", "USD"]), st.integers(0, 10**6).map(Decimal)),
        max_size=1,
    ).map(tuple),
    engagement_events=st.integers(0, 9),
    last_engaged_at=st.none() | st.integers(0, 100).map(lambda d: T.replace(day=1 + d % 28)),
)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_roll_up_is_the_sum_over_the_descendants(data: st.DataObject) -> None:
    """Hypothesis: the roll-up of every account equals its own totals plus those of each
    account under it."""
    tree = data.draw(trees())
    own = {a: data.draw(totals) for a in tree if data.draw(st.booleans())}
    summed = roll_up(tree, own)
    for account_id in tree:
        expected = own.get(account_id, AccountTotals())
        for below in tree.descendants(account_id):
            expected = expected + own.get(below, AccountTotals())
        assert summed[account_id] == expected
    for root in tree.roots():
        assert summed[root].open_leads == sum(
            own.get(a, AccountTotals()).open_leads for a in tree if tree.root(a) == root
        )


def test_totals_of_an_account_and_its_branch() -> None:
    accounts = [account("hq"), account("osaka", "hq", "株式会社ABC 大阪支店")]
    leads = [
        Lead(id="l1", name=PersonName("佐藤"), company="ABC", account_id="osaka", created_at=T),
        Lead(
            id="l2",
            name=PersonName("鈴木"),
            company="ABC",
            account_id="osaka",
            status="Closed - Not Converted",
            created_at=T,
        ),
    ]
    contacts = [Contact(id="c1", account_id="hq", name=PersonName("高橋"), created_at=T)]
    deals = [
        Opportunity(
            id="o1",
            name="導入",
            account_id="osaka",
            close_date=T.date(),
            amount=Money(1_000_000, "JPY"),
            probability=40,
            created_at=T,
        ),
        Opportunity(
            id="o2",
            name="追加",
            account_id="hq",
            close_date=T.date(),
            amount=Money(500_000, "JPY"),
            is_closed=True,
            is_won=True,
            created_at=T,
        ),
    ]
    events = [
        EngagementEvent(kind="page_view", lead_id="l1", occurred_at=T),
        EngagementEvent(kind="page_view", lead_id="l2", occurred_at=T),  # closed lead
        EngagementEvent(kind="email_open", contact_id="c1", occurred_at=T.replace(day=2)),
        EngagementEvent(kind="email_open", contact_id="c1", occurred_at=T.replace(day=9)),
    ]
    own = account_totals(
        accounts,
        leads=leads,
        contacts=contacts,
        opportunities=deals,
        engagement_events=events,
        as_of=T.replace(day=5),
    )
    assert own["osaka"].open_leads == 1
    assert own["osaka"].pipeline == (("JPY", Decimal(1_000_000)),)
    assert own["osaka"].weighted_pipeline == (("JPY", Decimal(400_000)),)
    assert own["hq"].won_amount == (("JPY", Decimal(500_000)),)
    summed = roll_up(AccountHierarchy(accounts), own)
    assert summed["hq"].engagement_events == 2  # l1 at the branch, c1 on the 2nd
    assert summed["hq"].last_engaged_at == T.replace(day=2)
    assert summed["hq"].open_opportunities == 1
    assert summed["hq"].won_opportunities == 1
    assert summed["osaka"].contacts == 0
    with pytest.raises(ValidationError, match="not in the hierarchy"):
        roll_up(AccountHierarchy([account("hq")]), own)
