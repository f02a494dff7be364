"""The ready-made models and profile: what they contain and how they score."""

from __future__ import annotations

import math

from leadkit.model import FREE_MAIL_DOMAINS, Address, EventKind
from leadkit.rules import IsIn
from leadkit.scoring import (
    EventRule,
    Grade,
    HalfLife,
    ProfileRule,
    default_grading_profile,
    default_marketing_model,
    japanese_b2b_model,
    priority_matrix,
)

from ._strategies import AS_OF, event, lead


def test_the_marketing_default_has_the_documented_points() -> None:
    model = default_marketing_model()
    points = {rule.name: rule.points for rule in model.rules}
    assert points["form submission"] == 50
    assert points["form error"] == -5
    assert points["page view"] == 1
    assert points["file download"] == 3
    assert points["link click"] == 3
    assert model.decay is None
    assert all(isinstance(r, EventRule) and r.cap is None for r in model.rules)


def test_the_marketing_default_scores_a_visit() -> None:
    found = [
        event("form_submit", 3, id="f"),
        event("form_error", 3, id="e"),
        *[event("page_view", d, id=f"v{d}") for d in range(4)],
        event("pricing_page_visit", 1, id="p"),
        event("file_download", 2, id="d"),
        event("email_click", 2, id="c"),
        event("unsubscribe", 1, id="u"),  # no rule in the baseline
    ]
    card = default_marketing_model().score(lead(), found, as_of=AS_OF)
    assert card.total == 50 - 5 + 5 + 3 + 3


def test_the_japanese_example_scores_a_hot_enterprise_lead() -> None:
    model = japanese_b2b_model()
    assert model.decay == HalfLife(90)
    assert {(r.name, r.points) for r in model.rules} >= {
        ("資料請求", 10),
        ("メール開封", 3),
        ("お問い合わせ", 20),
        ("部長", 10),
        ("従業員1000人以上", 20),
    }
    prospect = lead(
        title="営業部長",
        employees=1200,
        industry="製造業",
        email="yamada@example.co.jp",
        address=Address(country="JP", state="東京都"),
    )
    today = [
        event("file_download", 0, id="資料"),
        *[event("email_open", 0, id=f"open{n}") for n in range(6)],
        event("inquiry", 0, id="問い合わせ"),
    ]
    card = model.score(prospect, today, as_of=AS_OF)
    # 行動: 資料請求 10 + メール開封 6 x 3 capped at 15 + お問い合わせ 20.
    # 属性: 部長 10 + 従業員1000人以上 20 + ターゲット業種 5 + 首都圏・関西 3.
    assert card.groups == {"行動": 45, "属性": 38}
    assert card.total == 83
    assert card.contribution("メール開封").capped  # type: ignore[union-attr]


def test_the_japanese_example_decays_behaviour_and_keeps_penalties() -> None:
    model = japanese_b2b_model()
    student = lead(title="学生", email="taro@gmail.com")
    found = [event("inquiry", 90, id="q"), event("careers_page_visit", 400, id="c")]
    card = model.score(student, found, as_of=AS_OF)
    # お問い合わせ 20 halved after 90 days; 採用ページ -10 does not decay;
    # 学生 -20 and フリーメール -10 are profile points.
    assert math.isclose(card.groups["行動"], 10 - 10, abs_tol=1e-9)
    assert card.groups["属性"] == -30
    assert math.isclose(card.total, -30, abs_tol=1e-9)
    behaviour_cap = {g.name: g.cap for g in model.groups}["行動"]
    assert behaviour_cap == 100
    many = [event("demo_request", 0, id=f"d{n}") for n in range(8)]
    assert model.score(lead(), many, as_of=AS_OF).groups["行動"] == 100


def test_the_japanese_example_closes_its_event_kinds() -> None:
    model = japanese_b2b_model()
    assert model.event_kinds is not None
    assert set(model.event_kinds) <= {kind.value for kind in EventKind}


def test_shipped_free_mail_lists_are_free_mail_domains() -> None:
    lists = []
    for rule in japanese_b2b_model().rules:
        when = rule.when if isinstance(rule, ProfileRule) else None
        if isinstance(when, IsIn) and str(when.subject) == "email_domain":
            lists.append(when.values)
    for criterion in default_grading_profile().criteria:
        if isinstance(criterion.when, IsIn) and str(criterion.when.subject) == "email_domain":
            lists.append(criterion.when.values)
    assert len(lists) == 2
    for values in lists:
        assert set(values) <= FREE_MAIL_DOMAINS


def test_the_default_profile_grades_fit() -> None:
    profile = default_grading_profile()
    director = lead(title="Sales Director", employees=250, email="a@acme.co.jp")
    assert profile.grade(director, as_of=AS_OF).grade is Grade.D + 5
    student = lead(title="Intern", employees=3, email="b@gmail.com")
    assert profile.grade(student, as_of=AS_OF).grade is Grade.F
    unknown = lead()
    assert profile.grade(unknown, as_of=AS_OF).grade is Grade.D
    score = default_marketing_model().score(
        director, [event("form_submit", 1), event("form_submit", 2, id="2")], as_of=AS_OF
    )
    assert priority_matrix(profile.grade(director, as_of=AS_OF), score) == "B1"
