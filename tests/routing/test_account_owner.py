"""Routing a lead from an existing customer to the account's owner (issue 19)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadkit.errors import LoadError, ValidationError
from leadkit.model import Account, Lead, OwnerRef, PersonName, User
from leadkit.routing import (
    AccountOwner,
    AssignmentRules,
    Availability,
    InMemoryState,
    Leave,
    Roster,
    RoundRobin,
    Router,
    RuleEntry,
    account_owners,
    dump_assignment_rules,
    load_assignment_rules,
)
from leadkit.rules import field

AT = datetime(2026, 4, 1, 3, tzinfo=UTC)
QUEUE = OwnerRef.queue("q-in")
ACCOUNTS = [
    Account(id="hq", name="株式会社ABC", owner=OwnerRef.user("u-7"), created_at=AT),
    Account(id="xyz", name="XYZ", created_at=AT),
    Account(id="q", name="Q社", owner=QUEUE, created_at=AT),
    Account(id="gone", name="旧", owner=OwnerRef.user("u-1"), master_record_id="hq", created_at=AT),
]


def lead(lead_id: str, account_id: str | None) -> Lead:
    return Lead(
        id=lead_id, name=PersonName("佐藤"), company="ABC", account_id=account_id, created_at=AT
    )


def router(target: AccountOwner, *, away: bool = False) -> Router:
    users = [User(id="u-1", name="佐藤"), User(id="u-2", name="鈴木"), User(id="u-7", name="高橋")]
    leave = {"u-7": Availability(leave=[Leave(date(2026, 3, 30), date(2026, 4, 3))])}
    rules = AssignmentRules(
        [
            RuleEntry(field("account_id").is_present(), target, name="customers"),
            RuleEntry(field("company").is_present(), RoundRobin(["u-1", "u-2"]), name="new"),
        ],
        default_owner=QUEUE,
    )
    roster = Roster(users, availability=leave if away else None)
    return Router(rules, roster=roster, account_owners=account_owners(ACCOUNTS))


def test_a_linked_lead_goes_to_the_account_owner() -> None:
    state = InMemoryState()
    decision = router(AccountOwner()).route(lead("l-1", "hq"), as_of=AT, state=state)
    assert decision.owner == OwnerRef.user("u-7")
    assert decision.entry is not None
    assert decision.entry.name == "customers"
    assert str(decision.strategy_reasoning) == (
        "account owner [account_owner]; lead linked to account hq, owned by u-7; assigned u-7"
    )
    assert state.open_count("u-7") == 1
    # An unlinked lead is left to the next entry.
    other = router(AccountOwner()).route(lead("l-2", None), as_of=AT, state=state)
    assert other.owner == OwnerRef.user("u-1")


def test_without_a_user_owner_the_fallback_decides() -> None:
    state = InMemoryState()
    team = AccountOwner(fallback=RoundRobin(["u-1", "u-2"]))
    no_owner = router(team).route(lead("l-1", "xyz"), as_of=AT, state=state)
    assert no_owner.owner == OwnerRef.user("u-1")
    assert no_owner.strategy_reasoning is not None
    assert no_owner.strategy_reasoning.strategy == "account owner, else round robin"
    assert no_owner.strategy_reasoning.detail.startswith("account xyz has no owner; ")
    queued = router(AccountOwner()).route(lead("l-2", "q"), as_of=AT, state=state)
    assert queued.owner == QUEUE  # the rule set's default owner
    assert "owned by queue:q-in, not a user" in str(queued.strategy_reasoning)
    merged = router(AccountOwner(fallback=OwnerRef.user("u-2"))).route(
        lead("l-3", "gone"), as_of=AT, state=state
    )
    assert merged.owner == OwnerRef.user("u-2")


def test_an_owner_on_leave_passes_the_lead_on() -> None:
    state = InMemoryState()
    decision = router(AccountOwner(fallback=OwnerRef.user("u-2")), away=True).route(
        lead("l-1", "hq"), as_of=AT, state=state
    )
    assert decision.owner == OwnerRef.user("u-2")
    assert "owner u-7 is unavailable (on leave" in str(decision.strategy_reasoning)


def test_the_target_is_data() -> None:
    rules = AssignmentRules(
        [
            RuleEntry(
                field("account_id").is_present(),
                AccountOwner(fallback=RoundRobin(["u-1", "u-2"])),
                name="customers",
            ),
            RuleEntry(field("company").is_present(), AccountOwner(), name="plain"),
        ],
        default_owner=QUEUE,
    )
    data = dump_assignment_rules(rules)
    assert data["entries"][0]["target"] == {
        "strategy": "account_owner",
        "fallback": {"strategy": "round_robin", "members": ["u-1", "u-2"]},
    }
    assert load_assignment_rules(data) == rules
    bad = {
        "default_owner": "queue:q-in",
        "entries": [
            {
                "when": {"field": "company", "op": "is_present"},
                "target": {"strategy": "account_owner", "members": ["u-1"]},
            }
        ],
    }
    with pytest.raises(LoadError) as err:
        load_assignment_rules(bad)
    assert [p.message for p in err.value.problems] == ["the account owner takes only a fallback"]


def test_bad_targets_and_owners() -> None:
    with pytest.raises(ValidationError, match="fallback is an OwnerRef"):
        AccountOwner(fallback="u-1")  # type: ignore[arg-type]
    rules = AssignmentRules([], default_owner=QUEUE)
    with pytest.raises(ValidationError, match="an account owner is an OwnerRef"):
        Router(rules, account_owners={"hq": "u-7"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="is not in the roster"):
        Router(
            AssignmentRules(
                [
                    RuleEntry(
                        field("company").is_present(), AccountOwner(fallback=RoundRobin(["x"]))
                    )
                ],
                default_owner=QUEUE,
            ),
            roster=Roster([]),
        )
