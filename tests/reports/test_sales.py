"""Rejections by reason, overdue tasks per owner, and the sales pipeline (issue 19).

Stage probabilities follow Salesforce's default opportunity stages (Object Reference:
OpportunityStage, DefaultProbability: Prospecting 10, Proposal/Price Quote 75,
Negotiation/Review 90, Closed Won 100, Closed Lost 0); the win rate is won over closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from leadkit.errors import ValidationError
from leadkit.model import (
    DEFAULT_OPPORTUNITY_STAGES,
    Lead,
    Money,
    Opportunity,
    OwnerRef,
    PersonName,
    Task,
    TaskStatus,
    User,
)
from leadkit.reports import overdue_tasks, rejections, sales_pipeline, team_performance
from leadkit.stages import Stage, StageHistory, reject, transition

AT = datetime(2026, 4, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
SATO, SUZUKI = OwnerRef.user("u-sato"), OwnerRef.user("u-suzuki")
USERS = [User(id="u-sato", name="佐藤"), User(id="u-suzuki", name="鈴木")]


def _lead(lead_id: str, source: str) -> Lead:
    return Lead(id=lead_id, name=PersonName("山田"), company="ABC", lead_source=source,
                created_at=AT)  # fmt: skip


def _rejected(lead_id: str, reason: str) -> StageHistory:
    h = transition(StageHistory(lead_id), Stage.INQUIRY, at=AT, by="policy:default")
    h = transition(h, Stage.MQL, at=AT + HOUR, by="policy:default")
    return reject(h, at=AT + 2 * HOUR, by="u-sato", reason=reason)


def test_rejections_count_catalogue_reasons_by_source_and_campaign() -> None:
    leads = [_lead("l-1", "展示会"), _lead("l-2", "Trade Show"), _lead("l-3", "Web")]
    histories = [
        _rejected("l-1", "予算なし"),
        _rejected("l-2", "No Budget"),
        _rejected("l-3", "担当者が異動した"),
    ]
    report = rejections(leads, histories, campaign_of={"l-1": "EXPO", "l-2": "EXPO"})
    assert histories[0].transitions[-1].reason == "No Budget"  # recorded by api name
    assert [(r.reason, r.lead_source, r.campaign, r.rejected) for r in report.rows] == [
        ("No Budget", "Trade Show", "EXPO", 2),
        ("(free text)", "Web", "(none)", 1),
    ]
    assert report.by_reason() == {"No Budget": 2, "(free text)": 1}


def test_overdue_tasks_are_listed_per_owner() -> None:
    today = date(2026, 4, 10)

    def task(task_id: str, due: date | None, owner: OwnerRef, *, done: bool = False) -> Task:
        return Task(id=task_id, subject="架電", due_date=due, owner=owner, created_at=AT,
                    status=TaskStatus.COMPLETED if done else TaskStatus.OPEN)  # fmt: skip

    tasks = [
        task("t-1", date(2026, 4, 3), SATO),
        task("t-2", date(2026, 4, 8), SATO),
        task("t-3", date(2026, 4, 1), SATO, done=True),  # done: not overdue
        task("t-4", today, SUZUKI),  # due today: not yet overdue
        task("t-5", None, SUZUKI),
        task("t-6", date(2026, 4, 9), SUZUKI),
    ]
    report = overdue_tasks(tasks, on=today, users=USERS)
    assert [(r.owner, r.overdue, r.oldest_due, r.task_ids) for r in report.rows] == [
        ("佐藤 (u-sato)", 2, date(2026, 4, 3), ("t-1", "t-2")),
        ("鈴木 (u-suzuki)", 1, date(2026, 4, 9), ("t-6",)),
    ]


def _deal(deal_id: str, owner: OwnerRef, stage: str, amount: int, close: date) -> Opportunity:
    deal = Opportunity(id=deal_id, name=deal_id, account_id="a-1", close_date=close,
                       amount=Money(amount, "JPY"), owner=owner, created_at=AT)  # fmt: skip
    if stage == "won":
        return deal.closed_won(on=close)
    if stage == "lost":
        return deal.closed_lost(on=close)
    return Opportunity(id=deal_id, name=deal_id, account_id="a-1", close_date=close,
                       amount=Money(amount, "JPY"), owner=owner, created_at=AT,
                       stage=stage)  # fmt: skip


DEALS = [
    _deal("o-1", SATO, "won", 1_000_000, date(2026, 4, 20)),
    _deal("o-2", SATO, "lost", 500_000, date(2026, 4, 25)),
    _deal("o-3", SATO, "提案", 2_000_000, date(2026, 5, 15)),  # Proposal/Price Quote, 75 %
    _deal("o-4", SUZUKI, "won", 3_000_000, date(2026, 4, 30)),
    _deal("o-5", SUZUKI, "Prospecting", 1_000_000, date(2026, 7, 1)),  # 10 %
]


def test_pipeline_gives_win_rate_won_revenue_per_rep_and_a_weighted_forecast() -> None:
    report = sales_pipeline(DEALS, users=USERS)
    rows = {r.owner: r for r in report.reps}
    sato, suzuki = rows["佐藤 (u-sato)"], rows["鈴木 (u-suzuki)"]
    assert (sato.won, sato.lost, sato.win_rate) == (1, 1, 0.5)
    assert sato.won_amounts == (Money(1_000_000, "JPY"),)
    assert sato.weighted_amounts == (Money(Decimal("1500000"), "JPY"),)
    assert (suzuki.won, suzuki.lost, suzuki.win_rate) == (1, 0, 1.0)
    assert report.reps[0] is suzuki  # most won revenue first
    assert report.win_rate == pytest.approx(2 / 3)
    assert [(f.period, f.open, f.weighted_amounts) for f in report.forecast] == [
        ("2026-05", 1, (Money(Decimal("1500000"), "JPY"),)),
        ("2026-07", 1, (Money(Decimal("100000"), "JPY"),)),
    ]
    quarters = sales_pipeline(DEALS, period="quarter").forecast
    assert [f.period for f in quarters] == ["2026-Q2", "2026-Q3"]


def test_team_performance_shows_won_revenue_per_rep() -> None:
    report = team_performance([], opportunities=DEALS, users=USERS, as_of=AT)
    won = {r.owner: r.won_amounts for r in report.rows}
    assert won == {
        "佐藤 (u-sato)": (Money(1_000_000, "JPY"),),
        "鈴木 (u-suzuki)": (Money(3_000_000, "JPY"),),
    }


def test_unknown_stages_are_refused_and_labels_are_stored_by_api_name() -> None:
    with pytest.raises(ValidationError, match="unknown opportunity stage 'Demo'") as caught:
        Opportunity(name="x", account_id="a", close_date=date(2026, 5, 1), stage="Demo",
                    created_at=AT)  # fmt: skip
    assert caught.value.path == ("Opportunity", "stage")
    assert DEALS[2].stage == "Proposal/Price Quote"
    assert DEFAULT_OPPORTUNITY_STAGES.get("Closed Won").probability == 100
    with pytest.raises(ValidationError, match="not a closed won stage"):
        DEALS[4].closed_won(on=date(2026, 5, 1), stage="Closed Lost")
