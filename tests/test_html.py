"""Jupyter display: score cards, grade cards, routing decisions, classifications and
explanations render as escaped HTML tables with the same facts as their text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from leadkit._html import html_table
from leadkit.model import EngagementEvent, Lead, OwnerRef, PersonName, User
from leadkit.reports import Table
from leadkit.routing import AssignmentRules, InMemoryState, Roster, RoundRobin, Router, RuleEntry
from leadkit.rules import explain, field
from leadkit.scoring import (
    Criterion,
    EventRule,
    GradingProfile,
    Group,
    ProfileRule,
    ScoringModel,
)
from leadkit.stages import MqlRule, StagePolicy, classify

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
NASTY = "<b>&"  # would become markup (and a broken entity) if not escaped
ESCAPED = "&lt;b&gt;&amp;"


def _cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)


def _rows(html: str) -> list[list[str]]:
    return [_cells(row) for row in re.findall(r"<tr>(.*?)</tr>", html)]


def _assert_escaped(html: str) -> None:
    assert ESCAPED in html
    assert NASTY not in html


def _lead(**fields: object) -> Lead:
    base: dict[str, object] = {"id": "lead-1", "name": PersonName("山田"), "company": "ACME"}
    return Lead(created_at=NOW, **(base | fields))  # type: ignore[arg-type]


def _event(n: int, kind: str) -> EngagementEvent:
    return EngagementEvent(
        id=f"e{n}", kind=kind, lead_id="lead-1", occurred_at=NOW - timedelta(days=n)
    )


def test_html_table_escapes_headers_cells_and_caption_and_right_aligns_numbers() -> None:
    html = html_table(("name", "n", "note"), [(NASTY, 3, None), ("x", 1.5, "y")], caption=NASTY)
    _assert_escaped(html)
    assert f"<caption>{ESCAPED}</caption>" in html
    assert '<td style="text-align: right">3</td>' in html
    assert f'<td style="text-align: left">{ESCAPED}</td>' in html
    assert _rows(html)[1] == [ESCAPED, "3", ""]  # None is an empty cell, not "None"
    # a column with text is left-aligned in so many words: Jupyter's CSS right-aligns
    # every cell without a style (issue 15 "Notebooks and pictures")
    assert '<td style="text-align: left">y</td>' in html
    assert '<th style="text-align: left">note</th>' in html
    assert '<th style="text-align: right">n</th>' in html
    assert "<td>" not in html
    assert "<th>" not in html


def test_report_tables_right_align_number_columns_through_the_same_writer() -> None:
    html = Table(("owner", "leads"), [(NASTY, 1200)], title="Load").to_html()
    _assert_escaped(html)
    assert '<td style="text-align: right">1,200</td>' in html  # formatted as in text


def test_score_card_shows_model_total_groups_and_contributions() -> None:
    model = ScoringModel(
        "web <model>",
        [
            EventRule(NASTY, "page_view", points=10, group="crm"),
            EventRule("form", "form_submit", points=50, group="erp"),
            ProfileRule("large", field("employees") >= 1000, points=5),
        ],
        groups=[Group("crm", cap=25), Group("erp")],
        version="2",
    )
    card = model.score(
        _lead(employees=2000),
        [_event(1, "page_view"), _event(2, "page_view"), _event(3, "page_view")],
        as_of=NOW,
    )
    assert card.total == 25 + 0 + 5
    html = card._repr_html_()
    assert html.startswith("<table>")
    _assert_escaped(html)
    assert "web &lt;model&gt;" in html  # the model's name, escaped too
    rows = _rows(html)
    assert rows[0] == ["group", "rule", "points", "events", "why"]
    assert ["crm", "(group total)", "25", "", "capped at 25 from 30"] in rows
    assert rows[2][:4] == ["crm", ESCAPED, "+30", "3"]  # three page views
    assert ["erp", "(group total)", "0", "", ""] in rows
    assert rows[-1][:3] == ["", "Total", "30"]
    assert any(r[1] == "large" and r[2] == "+5" for r in rows)


def test_grade_card_shows_each_criterion_verdict_weight_and_value() -> None:
    profile = GradingProfile(
        "fit",
        [
            Criterion(NASTY, field("employees") >= 1000, weight=3),
            Criterion("director", field("title").contains("部長"), weight=2),
            Criterion("industry", field("industry") == "製造業", weight=1),
        ],
    )
    card = profile.grade(_lead(employees=450, title="営業部長"), as_of=NOW)
    html = card._repr_html_()
    assert html.startswith("<table>")
    _assert_escaped(html)
    assert f"Grade {card.grade} for lead-1" in html
    rows = _rows(html)
    assert rows[1][:4] == ["unmatched", ESCAPED, "3", "-3"]
    assert rows[1][5] == "employees = 450"
    assert rows[2][:4] == ["matched", "director", "2", "+2"]
    assert rows[3][:4] == ["unknown", "industry", "1", "±0"]
    assert rows[3][5] == "industry is missing"


def test_routing_decision_shows_owner_entry_skips_and_strategy() -> None:
    rules = AssignmentRules(
        [
            RuleEntry(field("employees") >= 1000, OwnerRef.user("a"), name="big"),
            RuleEntry(field("company").is_present(), RoundRobin(["a", "b"]), name=NASTY),
        ],
        default_owner=OwnerRef.queue("inbound"),
    )
    roster = Roster([User(id="a", name="A", active=False), User(id="b", name="B")])
    decision = Router(rules, roster=roster).route(
        _lead(company="ACME", employees=10), as_of=NOW, state=InMemoryState()
    )
    html = decision._repr_html_()
    assert html.startswith("<table>")
    _assert_escaped(html)
    rows = {r[0]: r[1] for r in _rows(html)[1:]}
    assert rows["owner"] == str(OwnerRef.user("b"))
    assert rows["matched"] == f"entry #2 &#x27;{ESCAPED}&#x27;"
    assert "employees = 10" in rows["skipped #1 &#x27;big&#x27;"]
    assert "a (inactive)" in rows["strategy"]
    assert "assigned b" in rows["strategy"]


def test_classification_lists_every_check() -> None:
    policy = StagePolicy(
        name="p", mql=MqlRule(min_score=100), disqualify_when=field("company") == NASTY
    )
    result = classify(_lead(company="ACME"), score=40, policy=policy, as_of=NOW)
    html = result._repr_html_()
    assert html.startswith("<table>")
    _assert_escaped(html)
    rows = _rows(html)[1:]
    assert len(rows) == len(result.reasons)
    by_rule = {r[1]: r for r in rows}
    assert by_rule["mql.min_score"][0] == "✗"
    assert "company = &#x27;ACME&#x27;" in by_rule["disqualify_when"][3]


def test_explanation_shows_each_part_with_its_verdict() -> None:
    condition = (field("company") == "ACME") & (field("employees") >= 100)
    explanation = explain(condition, _lead(company=NASTY, employees=500), as_of=NOW)
    html = explanation._repr_html_()
    assert html.startswith("<table>")
    _assert_escaped(html)
    rows = _rows(html)[1:]
    assert [r[0] for r in rows] == ["✗", "✗", "✓"]
    assert rows[0][1] == "all of"
    assert rows[1][1].startswith("\u00a0\u00a0company == ")  # indented under "all of"
