"""Score and grade cards: one grouping for text, table and HTML; a one-line repr; the
breakdown in English and Japanese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.rules import events, field
from leadkit.scoring import (
    EventRule,
    Group,
    ProfileRule,
    ScoreCard,
    ScoringModel,
    default_grading_profile,
    japanese_b2b_model,
)

AS_OF = datetime(2026, 5, 1, 9, tzinfo=UTC)


def _lead(**values: object) -> Lead:
    return Lead(
        id="lead-1",
        name=PersonName("山田"),
        company="ABC",
        created_at=AS_OF - timedelta(days=60),
        **values,  # type: ignore[arg-type]
    )


def _event(kind: str, days_ago: float, n: int = 0) -> EngagementEvent:
    return EngagementEvent(
        id=f"{kind}-{days_ago}-{n}",
        kind=kind,
        lead_id="lead-1",
        occurred_at=AS_OF - timedelta(days=days_ago),
    )


MODEL = ScoringModel(
    "web",
    [
        EventRule("資料請求", events("download").within(days=30), points=20, per="lead"),
        EventRule("ページ閲覧", "page_view", points=1, cap=2, group="行動"),
        EventRule("セミナー", "webinar", points=30, group="行動"),
        ProfileRule("役職", field("title").contains("部長"), points=10, group="属性"),
    ],
    groups=[Group("行動", cap=25), Group("属性"), Group("空")],
)
HISTORY = [
    *(_event("download", d) for d in (1, 5, 20)),
    _event("download", 40),  # outside the 30-day window
    *(_event("page_view", d, n) for n, d in enumerate((1, 2, 3))),
    _event("webinar", 2),
]


def card() -> ScoreCard:
    return MODEL.score(_lead(title="営業部長"), HISTORY, as_of=AS_OF)


def test_sections_hold_each_groups_total_cap_and_contributions() -> None:
    """docs/scoring.md "Groups": a group's total is its rules' sum, cut at its cap."""
    sections = {s.name: s for s in card().sections()}
    assert list(sections) == ["行動", "属性", "空", None]  # the model's order, ungrouped last
    behaviour = sections["行動"]
    assert (behaviour.raw, behaviour.total, behaviour.capped) == (32, 25, True)
    assert [c.name for c in behaviour.contributions] == ["ページ閲覧", "セミナー"]
    assert behaviour.note() == "capped at 25 from 32"
    assert sections["空"].contributions == ()
    assert not sections["属性"].capped
    assert sections[None].total == 20


def test_explain_and_html_show_the_same_sections() -> None:
    scored = card()
    text = scored.explain()
    columns, rows = scored.table_rows()
    assert columns == ("group", "rule", "points", "events", "why")
    for section in scored.sections():
        if section.name is not None:
            assert (section.name, "(group total)") in {(r[0], r[1]) for r in rows}
            assert f"  {section.name}: " in text
        for item in section.contributions:
            assert item.describe() in text
            assert (section.name or "", item.name) in {(r[0], r[1]) for r in rows}
    assert "行動: 25 (capped at 25 from 32)" in text
    assert rows[-1][:3] == ("", "Total", "55")
    html = scored._repr_html_()
    assert html.count("<tr>") == len(rows) + 1  # the heading row, then the rows


def test_repr_is_one_summary_line() -> None:
    """issue 15: a ScoreCard repr was 7,031 characters; the breakdown is in explain()."""
    lead = _lead(title="営業部長", employees=1200, email="a@example.co.jp")
    many = [_event(kind, d, n) for n, d in enumerate(range(1, 60)) for kind in ("page_view",)]
    shipped = japanese_b2b_model().score(lead, many, as_of=AS_OF)
    text = repr(shipped)
    assert "\n" not in text
    assert len(text) < 240
    assert text.startswith(f"<ScoreCard lead-1: {shipped.total:g} points under 'japanese-b2b'")
    grade = default_grading_profile().grade(lead, as_of=AS_OF)
    grade_text = repr(grade)
    assert "\n" not in grade_text
    assert len(grade_text) < 200
    assert f": {grade.grade} under 'default-fit'" in grade_text
    assert f"{len(grade.matched)} matched" in grade_text


def test_japanese_explanation_reads_like_a_sales_team_writes_it() -> None:
    """issue 15 "Notebooks and pictures": 「資料請求 +20（30日以内に3回）」."""
    text = card().explain(locale="ja")
    lines = text.splitlines()
    assert lines[0] == "lead-1 のスコア 55（モデル「web」v1、2026-05-01T09:00:00+00:00時点）"
    assert "  資料請求 +20（30日以内に3回、1回として計上）" in lines
    assert "  ページ閲覧 +2（3回、+3を上限+2に）" in lines
    assert "  行動：25（32を上限25に）" in lines
    assert lines[-1] == "合計：55"
    columns, rows = card().table_rows(locale="ja")
    assert columns == ("グループ", "ルール", "点数", "イベント数", "理由")
    assert rows[-1][1] == "合計"


def test_japanese_grade_card() -> None:
    grade = default_grading_profile().grade(_lead(title="営業部長"), as_of=AS_OF)
    text = grade.explain(locale="ja")
    assert text.splitlines()[0].startswith("lead-1 のグレード ")
    assert "employeesが未入力" in text
    columns, rows = grade.table_rows(locale="ja")
    assert columns[0] == "判定"
    assert {r[0] for r in rows} <= {"一致", "不一致", "不明"}


def test_an_unknown_locale_is_refused_with_its_path() -> None:
    with pytest.raises(ValidationError) as raised:
        card().explain(locale="fr")
    assert format_path(raised.value.path) == "locale"
    assert raised.value.code == "unknown_locale"


@settings(max_examples=25, deadline=None)
@given(
    views=st.lists(st.integers(min_value=0, max_value=50), max_size=8),
    webinars=st.lists(st.integers(min_value=0, max_value=50), max_size=3),
    title=st.sampled_from([None, "営業部長", "担当"]),
)
def test_sections_add_up_to_the_total(
    views: list[int], webinars: list[int], title: str | None
) -> None:
    found = [_event("page_view", d, n) for n, d in enumerate(views)]
    found += [_event("webinar", d, 100 + n) for n, d in enumerate(webinars)]
    scored = MODEL.score(_lead(title=title), found, as_of=AS_OF)
    sections = scored.sections()
    assert sum(s.total for s in sections) == pytest.approx(scored.total)
    for section in sections:
        if section.name is not None:
            assert section.total == scored.groups[section.name]
            assert abs(section.total) <= (section.cap if section.cap is not None else 1e9)
