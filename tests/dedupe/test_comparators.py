"""Field comparators: each method's documented semantics, through a one-criterion rule."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime
from typing import Any

import attrs
import pytest

from leadkit.dedupe import (
    CompanyMatch,
    Comparator,
    DateMatch,
    DomainMatch,
    EmailMatch,
    ExactMatch,
    FieldEvidence,
    FuzzyMatch,
    KeyMatch,
    MatchContext,
    MatchingRule,
    NameMatch,
    PhoneMatch,
    Scorer,
)
from leadkit.errors import ValidationError, format_path
from leadkit.model import Address, Lead
from tests.dedupe._helpers import account, contact, lead


def judge(comparator: Comparator, left: Any, right: Any) -> FieldEvidence:
    """The evidence of *comparator* alone on two records."""
    return MatchingRule("one", [comparator]).compare(left, right).evidence[0]


# -- exact and text ---------------------------------------------------------------------------


def test_exact_ignores_width_case_and_spacing() -> None:
    a = lead("a", "Sato", address=Address(city="Ｙｏｋｏｈａｍａ  City"))
    b = lead("b", "Sato", address=Address(city="yokohama city"))
    c = lead("c", "Sato", address=Address(city="Yokohama-shi"))
    assert judge(ExactMatch("address.city"), a, b).held
    assert not judge(ExactMatch("address.city"), a, c).held


def test_exact_compares_non_text_values_as_they_are() -> None:
    a = lead("a", "Sato", employees=120)
    b = lead("b", "Sato", employees=120)
    c = lead("c", "Sato", employees=121)
    assert judge(ExactMatch("employees"), a, b).similarity == 1.0
    assert judge(ExactMatch("employees"), a, c).similarity == 0.0


def test_a_blank_value_never_matches_unless_blanks_are_allowed() -> None:
    a = lead("a", "Sato")
    b = lead("b", "Sato")
    plain = judge(ExactMatch("title"), a, b)
    assert (plain.similarity, plain.held) == (None, False)
    assert judge(ExactMatch("title", match_blank=True), a, b).held
    # One blank side is never a match, even with match_blank.
    c = lead("c", "Sato", title="CEO")
    assert not judge(ExactMatch("title", match_blank=True), a, c).held


def test_custom_fields_are_read_by_path_and_missing_ones_are_blank() -> None:
    a = lead("a", "Sato", custom={"member_no": "A-100"})
    b = lead("b", "Sato", custom={"member_no": "a-100"})
    c = lead("c", "Sato")
    assert judge(ExactMatch("custom.member_no"), a, b).held
    assert judge(ExactMatch("custom.member_no"), a, c).similarity is None


def test_text_metrics() -> None:
    a = lead("a", "Sato", address=Address(street="6 kent street"))
    b = lead("b", "Sato", address=Address(street="kent street 6"))
    assert judge(FuzzyMatch("address.street", metric="token_sort"), a, b).similarity == 1.0
    assert not judge(FuzzyMatch("address.street", metric="levenshtein"), a, b).held
    c = lead("c", "Sato", address=Address(street="6 kent streat"))
    one_typo = judge(FuzzyMatch("address.street", metric="levenshtein"), a, c).similarity
    assert one_typo == pytest.approx(1 - 1 / 13)


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: FuzzyMatch("title", metric="soundex"), "FuzzyMatch.metric"),
        (lambda: FuzzyMatch("title", threshold=1.5), "FuzzyMatch.threshold"),
        (lambda: FuzzyMatch("title", weight=-1), "FuzzyMatch.weight"),
        (lambda: FuzzyMatch("title", penalty=float("nan")), "FuzzyMatch.penalty"),
        (lambda: ExactMatch(""), "ExactMatch.field"),
        (lambda: NameMatch(part="middle"), "NameMatch.part"),  # type: ignore[arg-type]
        (lambda: PhoneMatch(default_country="XX"), "PhoneMatch.default_country"),
        (lambda: DateMatch("custom.dob", tolerance_days=-1), "DateMatch.tolerance_days"),
        (lambda: KeyMatch("k", "not a function"), "KeyMatch.function"),  # type: ignore[arg-type]
        (lambda: EmailMatch(match_blank="yes"), "EmailMatch.match_blank"),  # type: ignore[arg-type]
    ],
)
def test_bad_options_are_refused_with_the_path(build: Any, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert format_path(caught.value.path) == path


def test_a_field_the_record_does_not_have_is_an_error() -> None:
    rule = MatchingRule("typo", [ExactMatch("industyr")])
    with pytest.raises(ValidationError, match="Lead has no field 'industyr'"):
        rule.compare(lead("a", "Sato"), lead("b", "Sato"))
    nested = MatchingRule("typo", [ExactMatch("address.ctiy")])
    with pytest.raises(ValidationError, match="Address has no field 'ctiy'"):
        nested.compare(lead("a", "Sato"), lead("b", "Sato"))


def test_properties_and_missing_values_on_the_way_are_read() -> None:
    tokyo = lead("a", "Sato", address=Address(country="JP", state="東京"))
    also = lead("b", "Sato", address=Address(country="JP", state="Tokyo"))
    assert judge(ExactMatch("address.prefecture.name"), tokyo, also).held
    # No revenue: the amount on the way is blank, not an error.
    assert judge(ExactMatch("annual_revenue.amount"), tokyo, also).similarity is None


# -- e-mail, domain, phone, company ------------------------------------------------------------


def test_email_ignores_case_and_width_only() -> None:
    a = lead("a", "Sato", email="Taro.Sato@ABC.co.jp")
    b = lead("b", "Sato", email="ｔａｒｏ.ｓａｔｏ@abc.co.jp")
    c = lead("c", "Sato", email="tarosato@abc.co.jp")
    assert judge(EmailMatch(), a, b).held
    assert not judge(EmailMatch(), a, c).held


def test_domain_is_the_website_host_else_a_business_email_domain() -> None:
    web = account("x", "ABC", website="https://WWW.abc.co.jp/about")
    mail = lead("a", "Sato", email="sato@abc.co.jp")
    free = lead("b", "Sato", email="sato@gmail.com")
    assert judge(DomainMatch(), web, mail).held
    assert judge(DomainMatch(), web, mail).left == "abc.co.jp"
    assert judge(DomainMatch(), mail, free).right is None


def test_phone_national_and_international_forms_are_equal() -> None:
    a = lead("a", "Sato", phone="03-1234-5678")
    b = lead("b", "Sato", phone="+81 (0)3 1234 5678 内線 12")
    c = lead("c", "Sato", phone="03-1234-5679")
    assert judge(PhoneMatch(), a, b).held
    assert judge(PhoneMatch(), a, c).similarity == 0.0


def test_phone_country_comes_from_the_address_unless_given() -> None:
    us = Address(country="US")
    a = lead("a", "Smith", phone="(212) 555-0123", address=us)
    b = lead("b", "Smith", phone="+1 212 555 0123")
    assert judge(PhoneMatch(), a, b).held
    # Read as a Japanese number, "(212) 555-0123" is +81 212..., not the US number.
    assert not judge(PhoneMatch(default_country="JP"), a, b).held


def test_phone_sections_give_a_third_per_matching_section() -> None:
    base = lead("a", "Sato", phone="03-1234-5678")
    same_office = lead("b", "Sato", phone="03-1234-9999")
    other_area = lead("c", "Sato", phone="06-1234-5678")
    abroad = lead("d", "Sato", phone="+1 312 345 678")
    by_sections = PhoneMatch(sections=True, threshold=0.6)
    assert judge(by_sections, base, same_office).similarity == pytest.approx(2 / 3)
    assert judge(by_sections, base, same_office).held
    assert judge(by_sections, base, other_area).similarity == pytest.approx(2 / 3)
    assert judge(by_sections, base, abroad).similarity == 0.0
    assert judge(by_sections, base, base).similarity == 1.0


def test_company_key_ignores_legal_form_width_case_and_punctuation() -> None:
    names = ["株式会社ABC", "ABC(株)", "ＡＢＣ Co., Ltd.", "abc, inc."]
    leads = [lead(str(i), "Sato", company=name) for i, name in enumerate(names)]
    for other in leads[1:]:
        assert judge(CompanyMatch(), leads[0], other).held


def test_company_fuzzy_threshold_scores_different_keys() -> None:
    a = lead("a", "Sato", company="Acme Widgets Inc.")
    b = lead("b", "Sato", company="ACME Widget Corp.")
    exact = judge(CompanyMatch(), a, b)
    fuzzy = judge(CompanyMatch(threshold=0.9), a, b)
    assert not exact.held
    assert fuzzy.held
    assert exact.similarity == fuzzy.similarity
    assert fuzzy.similarity is not None
    assert 0.9 < fuzzy.similarity < 1.0


def test_contact_company_is_its_account_name_when_given() -> None:
    person = contact("c1", "acc-1", "Sato", "Taro")
    prospect = lead("l1", "Sato", "Taro", company="ABC株式会社")
    rule = MatchingRule("company", [CompanyMatch()])
    assert not rule.compare(prospect, person).evidence[0].held  # no account name: blank
    named = rule.compare(prospect, person, account_names={"acc-1": "ABC Inc."})
    assert named.evidence[0].held


# -- names ----------------------------------------------------------------------------------------


def test_initials_match_the_given_name_they_abbreviate() -> None:
    a = lead("a", "Smith", "J.")
    assert judge(NameMatch(), a, lead("b", "Smith", "John")).held
    assert not judge(NameMatch(), a, lead("c", "Smith", "Mary")).held
    assert not judge(NameMatch(initials=False), a, lead("d", "Smith", "John")).held


def test_a_one_character_japanese_given_name_is_not_an_initial() -> None:
    short, longer = lead("a", "佐藤", "健"), lead("b", "佐藤", "健太")
    assert not judge(NameMatch(part="given"), short, longer).held
    assert judge(NameMatch(part="given"), lead("c", "Ito", "K"), lead("d", "Ito", "Ken")).held


def test_transposed_family_and_given_names_match() -> None:
    a = lead("a", "Taro", "Yamada")
    b = lead("b", "Yamada", "Taro")
    assert judge(NameMatch(), a, b).similarity == 1.0
    assert not judge(NameMatch(transposition=False), a, b).held


def test_a_whole_name_in_the_family_field_matches_the_split_name() -> None:
    whole = lead("a", "山田太郎")
    split = lead("b", "山田", "太郎")
    assert judge(NameMatch(), whole, split).similarity == 1.0


def test_readings_match_in_either_kana() -> None:
    a = lead("a", "髙橋", "一郎", family_kana="たかはし")
    b = lead("b", "高橋", "一郎", family_kana="タカハシ")
    assert judge(NameMatch(part="family", threshold=1.0), a, b).held
    assert not judge(NameMatch(part="family", threshold=1.0, kana=False), a, b).held


def test_name_parts() -> None:
    a = lead("a", "Smith", "John")
    b = lead("b", "Smyth", "John")
    c = lead("c", "Smith")
    assert judge(NameMatch(part="given"), a, b).similarity == 1.0
    assert 0.85 < judge(NameMatch(part="family"), a, b).similarity < 0.9  # type: ignore[operator]
    assert judge(NameMatch(part="initial"), a, b).held
    assert judge(NameMatch(part="initial"), a, c).similarity is None
    assert judge(NameMatch(part="initial", match_blank=True), c, lead("d", "Smith")).held


def test_only_latin_given_names_have_initials() -> None:
    initial = NameMatch(part="initial")
    assert judge(initial, lead("a", "Smith", "John"), lead("b", "Smith", "J.")).held
    assert judge(initial, lead("a", "Muller", "Émile"), lead("b", "Muller", "É.")).held
    # 大翔 and 大輔 share a first kanji, not a name; the whole given name must agree.
    assert not judge(initial, lead("a", "佐藤", "大翔"), lead("b", "佐藤", "大輔")).held
    assert judge(initial, lead("a", "佐藤", "大翔"), lead("b", "佐藤", "大翔")).held
    # With readings on both sides, the first kana decides.
    ichiro = lead("a", "鈴木", "一郎", given_kana="イチロウ")
    assert judge(initial, ichiro, lead("b", "鈴木", "一朗", given_kana="いちろう")).held
    hiroto = lead("c", "佐藤", "大翔", given_kana="ヒロト")
    assert not judge(initial, hiroto, lead("d", "佐藤", "大翔", given_kana="ダイスケ")).held


def test_name_evidence_shows_the_part_compared() -> None:
    a = lead("a", "山田", "太郎", family_kana="ヤマダ")
    b = lead("b", "山田", "太郎")
    assert judge(NameMatch(part="family"), a, b).left == "山田 (ヤマダ)"
    assert judge(NameMatch(part="given"), a, b).left == "太郎"
    assert judge(NameMatch(), a, b).left == "山田 太郎"


def test_a_name_comparison_of_something_else_than_a_person_name_is_an_error() -> None:
    with pytest.raises(ValidationError, match="needs a PersonName"):
        judge(NameMatch(), account("x", "ABC"), account("y", "ABC"))


# -- dates and key functions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "similarity"),
    [
        (date(1956, 4, 9), "1956-04-09", 1.0),
        ("19560409", 19560409, 1.0),
        (datetime(1956, 4, 9, 12, 0, tzinfo=UTC), date(1956, 4, 9), 1.0),
        (date(1956, 4, 9), date(1956, 9, 4), 0.9),
        ("19560409", "19560403", 0.875),
        ("1956-04-09", "1957-05-10", 0.5),  # four of eight digits differ
    ],
)
def test_date_similarity(left: object, right: object, similarity: float) -> None:
    a = lead("a", "Sato", custom={"dob": left})
    b = lead("b", "Sato", custom={"dob": right})
    assert judge(DateMatch("custom.dob"), a, b).similarity == pytest.approx(similarity)


def test_date_tolerance_counts_days_apart_as_the_same() -> None:
    a = lead("a", "Sato", custom={"seen": date(2026, 4, 1)})
    b = lead("b", "Sato", custom={"seen": date(2026, 4, 3)})
    assert not judge(DateMatch("custom.seen"), a, b).held
    assert judge(DateMatch("custom.seen", tolerance_days=2), a, b).held
    assert not judge(DateMatch("custom.seen", tolerance_days=1), a, b).held


def test_key_match_compares_any_function_of_the_record() -> None:
    def prefecture(record: Lead) -> object:
        return record.address.prefecture

    tokyo = lead("a", "Sato", address=Address(country="JP", state="東京"))
    also = lead("b", "Sato", address=Address(country="JP", state="東京都"))
    osaka = lead("c", "Sato", address=Address(country="JP", state="大阪府"))
    assert judge(KeyMatch("prefecture", prefecture), tokyo, also).held
    assert not judge(KeyMatch("prefecture", prefecture), tokyo, osaka).held


# -- the protocol -------------------------------------------------------------------------------


@attrs.frozen
class SameEmployeeBand:
    """A comparator written outside leadkit: employees in the same band of ten."""

    field: str = "employees"
    method: str = "band"
    threshold: float = 1.0
    weight: float = 1.0
    penalty: float = 0.0
    match_blank: bool = False

    def value(self, record: Any, context: MatchContext) -> object:
        return record.employees

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        return None if record.employees is None else record.employees // 10

    def scorer(self) -> Scorer:
        return lambda a, b: 1.0 if a == b else 0.0


def test_any_object_with_the_protocol_members_is_a_comparator() -> None:
    band = SameEmployeeBand()
    assert isinstance(band, Comparator)
    a = lead("a", "Sato", employees=41)
    evidence = judge(band, a, lead("b", "Sato", employees=47))
    assert (evidence.method, evidence.left, evidence.right, evidence.held) == ("band", 41, 47, True)
    assert not judge(band, a, lead("c", "Sato", employees=51)).held


def test_something_else_is_not_a_criterion() -> None:
    with pytest.raises(ValidationError) as caught:
        MatchingRule("bad", [EmailMatch(), "email"])
    assert format_path(caught.value.path) == "MatchingRule.criteria[1]"
