"""Japanese status and source labels are first-class (issue 19): a CSV with 状況=未対応
loads, and the lead's status is stored by its api name (Salesforce LeadStatus: the
ApiName identifies a picklist value, the MasterLabel is its display label)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from leadkit.io import read_lead_file
from leadkit.model import DEFAULT_SOURCES, Channel, Lead, PersonName
from leadkit.stages import MqlRule, Stage, StagePolicy, classify


def test_a_japanese_export_with_status_and_source_labels_loads(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "姓,会社名,状況,リードソース,作成日\n"
        "山田,ABC,未対応,展示会,2026-04-01T09:00:00+09:00\n"
        "鈴木,DEF,対応中,テレアポ,2026-04-01T09:00:00+09:00\n",
        encoding="utf-8",
    )
    leads = read_lead_file(path).leads
    assert [lead.status for lead in leads] == ["Open - Not Contacted", "Working - Contacted"]
    assert [DEFAULT_SOURCES.canonical(lead.lead_source or "") for lead in leads] == [
        "Trade Show",
        "Cold Call",
    ]
    # the source label decides the channel: テレアポ (Cold Call) is an SGL
    policy = StagePolicy(mql=MqlRule(min_score=1))
    result = classify(leads[1], policy=policy, as_of=leads[1].created_at)
    assert result.stage is Stage.SGL
    assert DEFAULT_SOURCES.channel_of("テレアポ") is Channel.SALES


def test_the_model_matches_a_status_by_any_label_after_normalisation() -> None:
    lead = Lead(name=PersonName("山田"), company="ABC", status="ｗｏｒｋｉｎｇ - contacted",
                created_at=datetime(2026, 4, 1, tzinfo=UTC))  # fmt: skip
    assert lead.status == "Working - Contacted"
