"""Classification builds histories at the real times (issue 19), not all at ``as_of``.

Semantics of the demand waterfall (docs/stages.md): a lead enters when it identified
itself (its creation), becomes an MQL on the engagement that qualified it, and a lead
converted by sales reached SQL (an opportunity), so it is not an Inquiry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadkit.model import EngagementEvent, Lead, LeadConversion, PersonName
from leadkit.reports import funnel
from leadkit.stages import MqlRule, Stage, StageHistory, StagePolicy, advance, classify

T0 = datetime(2026, 4, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = StagePolicy(mql=MqlRule(min_score=50))


def _lead(**changes: object) -> Lead:
    return Lead(id="l-1", name=PersonName("佐藤"), company="ABC", lead_source="Web",
                created_at=T0, **changes)  # type: ignore[arg-type]  # fmt: skip


def test_entry_at_creation_and_mql_at_the_qualifying_event() -> None:
    events = [
        EngagementEvent(kind="page_view", occurred_at=T0 + DAY, lead_id="l-1"),
        EngagementEvent(kind="form_submission", occurred_at=T0 + 3 * DAY, lead_id="l-1"),
        EngagementEvent(kind="page_view", occurred_at=T0 + 30 * DAY, lead_id="l-1"),  # later
    ]
    result = classify(_lead(), score=60, policy=POLICY, events=events, as_of=T0 + 5 * DAY)
    assert [(t.to_stage, t.at) for t in result.proposed] == [
        (Stage.INQUIRY, T0),
        (Stage.MQL, T0 + 3 * DAY),
    ]


def test_a_converted_lead_without_history_reached_sql_when_it_was_converted() -> None:
    converted = LeadConversion(converted_at=T0 + 9 * DAY, status="Closed - Converted",
                               account_id="a-1", contact_id="c-1")  # fmt: skip
    lead = _lead(status="Closed - Converted", conversion=converted)
    result = classify(lead, score=0, policy=POLICY, as_of=T0 + 20 * DAY)
    assert result.stage is Stage.SQL
    history = advance(StageHistory("l-1"), result)
    assert [(t.to_stage, t.at) for t in history] == [
        (Stage.INQUIRY, T0),
        (Stage.MQL, T0 + 9 * DAY),
        (Stage.SAL, T0 + 9 * DAY),
        (Stage.SQL, T0 + 9 * DAY),
    ]


def test_the_funnel_of_classified_leads_has_cohorts_and_velocity() -> None:
    as_of = T0 + 90 * DAY
    histories = []
    for month in range(3):  # leads created in April, May and June
        created = T0 + month * 31 * DAY
        lead = Lead(id=f"l-{month}", name=PersonName("佐藤"), company="ABC",
                    lead_source="Web", created_at=created)  # fmt: skip
        hit = EngagementEvent(kind="form_submission", occurred_at=created + 4 * DAY,
                              lead_id=lead.id)  # fmt: skip
        result = classify(lead, score=60, policy=POLICY, events=[hit], as_of=as_of)
        histories.append(advance(StageHistory(lead.id), result))
    report = funnel(histories, as_of=as_of, by="month")
    assert sorted({row.group for row in report.rows}) == ["2026-04", "2026-05", "2026-06"]
    inquiry = [v for v in report.velocities if v.stage is Stage.INQUIRY and v.stays]
    assert inquiry
    assert all(v.median == 4 * DAY for v in inquiry)
