"""Grouping by source: one function, the source catalogue's name, in every report."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.model import DEFAULT_SOURCES, Lead, PersonName
from leadkit.reports import (
    FirstTouch,
    attribute,
    funnel,
    source_effectiveness,
    source_label,
    source_name,
)
from leadkit.stages import Stage, StageHistory, Transition
from tests.reports._support import AT, converted_lead, response, won

SPELLINGS = ["展示会", "Trade Show", "trade show", "ＴＲＡＤＥ　ＳＨＯＷ"]


def _lead(lead_id: str, source: str | None) -> Lead:
    return Lead(
        id=lead_id, name=PersonName("佐藤"), company="ABC", lead_source=source, created_at=AT
    )


def test_every_spelling_of_a_catalogue_source_is_one_group() -> None:
    """docs/model.md: the source catalogue recognises the api name and the Japanese
    label (NFKC-normalised, case-insensitive), so they are one source."""
    assert {source_name(s) for s in SPELLINGS} == {"Trade Show"}
    assert source_name("Podcast") == "Podcast"
    assert source_name("") == source_name(None) == "(none)"


def test_funnel_source_report_and_attribution_group_alike() -> None:
    """issue 15: the funnel split 展示会 from "Trade Show" while the CLI merged them."""
    leads = [_lead(f"L{i}", s) for i, s in enumerate(SPELLINGS)] + [_lead("LP", "Podcast")]
    histories = [
        StageHistory(x.id, [Transition(None, Stage.INQUIRY, AT, "u-1", "")]) for x in leads
    ]
    report = funnel(histories, by="source", leads=leads, as_of=AT)
    assert report.groups == ("Podcast", "Trade Show")
    assert report.reached(Stage.INQUIRY, group="Trade Show") == 4
    by_source = {r.lead_source: r.leads for r in source_effectiveness(leads).rows}
    assert by_source == {"Trade Show": 4, "Podcast": 1}
    converted = [
        converted_lead("A", "o-1", source="展示会"),
        converted_lead("B", "o-2", source="Trade Show"),
    ]
    credits = attribute(
        [won("o-1"), won("o-2")],
        [response("expo", "A", date(2026, 3, 1)), response("expo", "B", date(2026, 3, 2))],
        leads=converted,
        model=FirstTouch(),
    )
    assert [r.lead_source for r in credits.by_source()] == ["Trade Show"]
    assert credits.source_table(locale="ja").rows[0][0] == "展示会"
    assert credits.source_table(locale="ja").columns[0] == "リードソース"


def test_japanese_labels_come_from_the_catalogue() -> None:
    leads = [_lead("L1", "Webフォーム"), _lead("L2", "Web"), _lead("L3", None)]
    text = source_effectiveness(leads).to_text(locale="ja")
    assert text.splitlines()[0] == "リードソース別の成果"
    assert text.splitlines()[1].split()[:2] == ["リードソース", "リード数"]
    assert "Webフォーム" in text
    assert "（なし）" in text


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(list(DEFAULT_SOURCES)), st.booleans())
def test_the_label_of_a_group_names_the_same_group(source: object, japanese: bool) -> None:
    name = source.api_name  # type: ignore[attr-defined]
    label = source_label(name, locale="ja" if japanese else "en")
    assert source_name(label) == name
