"""Grades, grading profiles, schemes and the fit x engagement matrix."""

from __future__ import annotations

import re

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.model import Account, Address
from leadkit.rules import events, field
from leadkit.scoring import (
    Criterion,
    Grade,
    GradingProfile,
    GradingScheme,
    priority_matrix,
)

from ._strategies import AS_OF, lead

LADDER = ["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"]


def test_the_ladder_has_thirteen_ordered_steps() -> None:
    assert [str(g) for g in Grade] == LADDER
    assert [g.rank for g in Grade] == list(range(13))
    assert sorted(Grade, reverse=True)[0] is Grade.A_PLUS
    assert Grade.B_PLUS > Grade.B > Grade.B_MINUS > Grade.C_PLUS
    assert Grade.parse("B") >= Grade.parse("B-")
    assert not Grade.B < Grade.B
    assert [Grade.B.letter, Grade.A_MINUS.letter, Grade.F.letter] == ["B", "A", "F"]


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("B+", Grade.B_PLUS),
        (" b+ ", Grade.B_PLUS),
        ("Ａ－", Grade.A_MINUS),
        ("A−", Grade.A_MINUS),
        ("f", Grade.F),
        ("c", Grade.C),
    ],
)
def test_parse_accepts_the_usual_spellings(text: str, grade: Grade) -> None:
    assert Grade.parse(text) is grade


@pytest.mark.parametrize("text", ["E", "A++", "", "B +1", 3])
def test_parse_refuses_anything_else(text: object) -> None:
    with pytest.raises(ValidationError, match="grade") as caught:
        Grade.parse(text)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.path) == ("bad_grade", ("grade",))


def test_arithmetic_is_in_thirds_and_clamped() -> None:
    assert Grade.D + 1 is Grade.D_PLUS
    assert 3 + Grade.D is Grade.C
    assert Grade.D - 2 is Grade.F
    assert Grade.D - 5 is Grade.F
    assert Grade.A + 4 is Grade.A_PLUS
    assert Grade.A_PLUS - Grade.F == 12
    assert Grade.from_rank(-3) is Grade.F
    assert Grade.from_rank(99) is Grade.A_PLUS
    with pytest.raises(TypeError):
        Grade.B < "A"  # noqa: B015  # grades compare with grades only


def _profile() -> GradingProfile:
    return GradingProfile(
        "fit",
        [
            Criterion("decision maker", field("title").contains_any(["部長", "CEO"]), weight=2),
            Criterion("big company", field("employees") >= 1000, weight=3),
            Criterion("target industry", field("industry").is_in(["製造業"]), weight=1),
        ],
    )


def test_matched_raise_unmatched_lower_unknown_move_nothing() -> None:
    profile = _profile()
    card = profile.grade(lead(title="営業部長", employees=20), as_of=AS_OF)
    assert [r.name for r in card.matched] == ["decision maker"]
    assert [r.name for r in card.unmatched] == ["big company"]
    assert [r.name for r in card.unknown] == ["target industry"]
    assert card.grade is Grade.D + 2 - 3
    assert [r.moved for r in card.results] == [2, -3, 0]
    assert card.unmatched[0].seen == (("employees", 20),)
    assert card.unknown[0].seen == (("industry", None),)
    text = card.explain()
    assert "Grade D- for lead-1 (profile 'fit' v1" in text
    assert "✗  -3  big company: employees >= 1000  [employees = 20]" in text
    assert "?  ±0  target industry: industry in ['製造業']  [industry is missing]" in text


def test_a_new_lead_with_nothing_known_is_a_d() -> None:
    assert _profile().grade(lead(), as_of=AS_OF).grade is Grade.D


def test_grades_are_clamped_to_a_plus_and_f() -> None:
    strong = [Criterion(f"c{n}", field("employees") >= 10, weight=3) for n in range(5)]
    profile = GradingProfile("strong", strong)
    assert profile.grade(lead(employees=50), as_of=AS_OF).grade is Grade.A_PLUS
    assert profile.grade(lead(employees=5), as_of=AS_OF).grade is Grade.F
    assert "clamped" in profile.grade(lead(employees=5), as_of=AS_OF).explain()


def test_grade_many_agrees_with_grade() -> None:
    profile = _profile()
    leads = [
        lead(id="a", title="CEO", employees=5000, industry="製造業"),
        lead(id="b", employees=10),
        lead(id="c"),
    ]
    grades = profile.grade_many(leads, as_of=AS_OF)
    assert grades == {x.id: profile.grade(x, as_of=AS_OF).grade for x in leads}
    assert grades["a"] is Grade.A_PLUS - 4  # D + 6 = B


@pytest.mark.parametrize(
    ("build", "path", "message"),
    [
        (lambda: Criterion("c", field("employees") >= 1, weight=4), "weight", "1, 2 or 3"),
        (lambda: Criterion("c", field("employees") >= 1, weight=True), "weight", "1, 2 or 3"),
        (lambda: Criterion("c", events("webinar").exists()), "when", "profile"),
        (lambda: Criterion("c", field("employees", on=Account) >= 1), "when", "reads leads"),
        (lambda: Criterion("c", "employees >= 1"), "when", "condition"),  # type: ignore[arg-type]
        (lambda: GradingProfile("p", []), "criteria", "at least one"),
        (
            lambda: GradingProfile("p", [Criterion("c", field("employees") >= 1)] * 2),
            "criteria[1].name",
            "duplicate criterion name 'c'",
        ),
    ],
)
def test_malformed_profiles_are_refused(build: object, path: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        build()  # type: ignore[operator]
    assert format_path(caught.value.path) == path


def _scheme() -> GradingScheme:
    crm = GradingProfile(
        "crm",
        [Criterion("small teams", field("employees") <= 300, weight=3)],
        applies_to=field("custom.product_line") == "crm",
    )
    kanto = GradingProfile(
        "kanto",
        [Criterion("big", field("employees") >= 1000, weight=1)],
        applies_to=field("address.region") == "関東",
    )
    default = GradingProfile("default", [Criterion("big", field("employees") >= 1000, weight=2)])
    return GradingScheme([crm, kanto, default])


def test_schemes_pick_the_first_profile_that_applies() -> None:
    scheme = _scheme()
    crm = lead(id="crm", employees=200, custom={"product_line": "crm"})
    tokyo = lead(id="tokyo", employees=200, address=Address(country="JP", state="東京都"))
    other = lead(id="other", employees=2000)
    cards = [scheme.grade(x, as_of=AS_OF) for x in (crm, tokyo, other)]
    assert [c.profile for c in cards] == ["crm", "kanto", "default"]
    assert [str(c.grade) for c in cards] == ["C", "D-", "C-"]
    assert scheme.grade_many([crm, tokyo, other], as_of=AS_OF) == {
        "crm": Grade.C,
        "tokyo": Grade.D_MINUS,
        "other": Grade.C_MINUS,
    }


def test_a_scheme_needs_one_default_profile_at_the_end() -> None:
    crm, kanto, default = _scheme().profiles
    with pytest.raises(ValidationError, match="only the last profile may apply") as caught:
        GradingScheme([default, crm])
    assert format_path(caught.value.path) == "profiles[0].applies_to"
    with pytest.raises(ValidationError, match="the last profile is the default") as caught:
        GradingScheme([crm, kanto])
    assert format_path(caught.value.path) == "profiles[1].applies_to"
    with pytest.raises(ValidationError, match="duplicate profile name"):
        GradingScheme([crm, crm, default])


@pytest.mark.parametrize(
    ("grade", "score", "cell"),
    [
        ("A+", 100, "A1"),
        ("A-", 99.9, "A2"),
        ("B+", 50, "B2"),
        ("B-", 49, "B3"),
        ("C+", 25, "C3"),
        ("C-", 24.99, "C4"),
        ("D+", 1000, "D1"),
        ("F", -10, "D4"),
    ],
)
def test_priority_matrix_default_bands(grade: str, score: float, cell: str) -> None:
    assert priority_matrix(grade, score) == cell
    assert priority_matrix(Grade.parse(grade), score) == cell


def test_priority_matrix_takes_cards_and_custom_bands() -> None:
    card = _profile().grade(lead(title="CEO", employees=5000), as_of=AS_OF)  # D + 5 = B-
    assert priority_matrix(card, 10) == "B4"
    bands = {"grade_bands": ["A", "C"], "score_bands": [80, 40, 20, 10]}
    assert priority_matrix("A", 85, **bands) == "A1"  # type: ignore[arg-type]
    assert priority_matrix("B", 15, **bands) == "B4"  # type: ignore[arg-type]
    assert priority_matrix("D", 5, **bands) == "C5"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"grade_bands": ["B", "A"]}, "grade_bands[1]"),
        ({"grade_bands": []}, "grade_bands"),
        ({"grade_bands": "A"}, "grade_bands"),
        ({"score_bands": [10, 50]}, "score_bands[1]"),
        ({"score_bands": [10, "5"]}, "score_bands[1]"),
    ],
)
def test_priority_matrix_refuses_bands_out_of_order(options: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        priority_matrix("B", 10, **options)  # type: ignore[arg-type]
    assert format_path(caught.value.path) == path


def test_priority_matrix_refuses_a_score_that_is_not_a_number() -> None:
    with pytest.raises(ValidationError, match="a score is a number"):
        priority_matrix("B", float("nan"))
