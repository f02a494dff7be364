"""Values the model owns once: Grade, OwnerRef.parse, website_domain and Address.region.

Issue 11 ("The model owns its values") lists the copies that disagreed: ``Grade.parse``
refused ``"B—"`` where ``grade_rank`` read it, owner parsing was case-sensitive in the
routing loader only, and the two website normalisers disagreed on ``"intranet/abc"``.
Each test here reads a value through every reader that used to have its own copy.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError
from leadkit.io import read_leads_csv
from leadkit.model import (
    Account,
    Address,
    Grade,
    Lead,
    OwnerKind,
    OwnerRef,
    PersonName,
    Region,
    region_of,
    website_domain,
)
from leadkit.repository import website_domain as repository_website_domain
from leadkit.routing import load_assignment_rules
from leadkit.rules import compile, field
from leadkit.scoring import Grade as ScoringGrade
from leadkit.stages import GRADE_LADDER, grade_rank

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
_SIGNS = ["", "+", "-", "\u2212", "\u2013", "\u2014", "\uff0b", "\uff0d"]


def test_grade_is_one_type_under_both_names() -> None:
    assert ScoringGrade is Grade
    assert tuple(str(g) for g in sorted(Grade, reverse=True)) == GRADE_LADDER


@settings(max_examples=60, deadline=None)
@given(
    letter=st.sampled_from("ABCDFabcdfＡＢＣＤＦｆ"),
    sign=st.sampled_from(_SIGNS),
    pad=st.sampled_from(["", " ", "\u3000"]),
)
def test_grade_parse_and_grade_rank_agree(letter: str, sign: str, pad: str) -> None:
    text = f"{pad}{letter}{sign}{pad}"
    if letter in "FfＦｆ" and sign:  # there is no F+ or F- on the ladder
        with pytest.raises(ValidationError) as caught:
            Grade.parse(text)
        assert caught.value.code == "bad_grade"
        with pytest.raises(ValidationError):
            grade_rank(text)
        return
    grade = Grade.parse(text)
    assert grade_rank(text) == grade.rank == grade_rank(grade)
    assert str(grade)[0] == letter.upper().translate(str.maketrans("ＡＢＣＤＦ", "ABCDF"))


def test_an_em_dash_reads_as_a_minus_everywhere() -> None:
    assert Grade.parse("B—") is Grade.B_MINUS
    assert grade_rank("B—") == Grade.B_MINUS.rank == 7


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("user:u-1", OwnerRef.user("u-1")),
        ("User:u-1", OwnerRef.user("u-1")),
        (" QUEUE : q-Inbound ", OwnerRef.queue("q-Inbound")),
    ],
)
def test_owner_parse_ignores_the_case_of_the_kind(text: str, owner: OwnerRef) -> None:
    assert OwnerRef.parse(text) == owner
    assert OwnerRef.parse(str(owner)) == owner


@pytest.mark.parametrize("text", ["u-1", "user:", "team:t-1", ":u-1", ""])
def test_owner_parse_refuses_other_text(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        OwnerRef.parse(text, path=("rules", "default_owner"))
    assert (caught.value.code, caught.value.path) == ("bad_owner", ("rules", "default_owner"))


@pytest.mark.parametrize("text", ["User:u-1", "queue:q-1", "QUEUE:q-1"])
def test_csv_and_rule_files_read_owners_alike(text: str) -> None:
    expected = OwnerRef.parse(text)
    csv = f"family_name,company,created_at,owner\n山田,ABC,2026-04-01T09:00:00+09:00,{text}\n"
    leads = read_leads_csv(io.StringIO(csv))
    assert leads[0].owner == expected
    rules = load_assignment_rules({"schema": 1, "entries": [], "default_owner": text})
    assert rules.default_owner == expected


def test_a_bad_owner_is_reported_at_its_key_by_the_rule_loader() -> None:
    with pytest.raises(LoadError) as caught:
        load_assignment_rules({"schema": 1, "entries": [], "default_owner": "team:t-1"})
    assert [p.path for p in caught.value.problems] == [("default_owner",)]


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Example.co.jp/about", "example.co.jp"),
        ("example.com.", "example.com"),
        ("intranet/abc", None),
        ("not a site", None),
        ("", None),
    ],
)
def test_one_website_normaliser(website: str, domain: str | None) -> None:
    assert repository_website_domain is website_domain
    assert website_domain(website) == domain


def test_duplicate_matching_uses_the_same_website_normaliser() -> None:
    """The company domain of dedupe is the website host else a business e-mail domain;
    an intranet name is no host, so the e-mail domain decides (issue 11)."""
    from leadkit.dedupe import MatchContext
    from leadkit.dedupe._fields import field_getter

    get = field_getter(Account, "domain")
    context = MatchContext()
    intranet = Account(name="A", website="intranet/abc", created_at=T0)
    acme = Account(name="A", website="https://www.Acme.co.jp/x", created_at=T0)
    assert get(intranet, context) is None
    assert get(acme, context) == "acme.co.jp"


@pytest.mark.parametrize(
    ("address", "region"),
    [
        (Address(state="東京"), Region.KANTO),
        (Address(country="JP", state="Osaka"), Region.KINKI),
        (Address(country="US", state="CA"), None),
        (Address(), None),
    ],
)
def test_address_region_derives_from_the_prefecture(
    address: Address, region: Region | None
) -> None:
    assert address.region is region
    assert address.region is (region_of(address.state or "") if address.prefecture else None)
    lead = Lead(name=PersonName("山田"), company="ABC", created_at=T0, address=address)
    in_kanto = compile(field("address.region") == "関東")
    assert in_kanto(lead, as_of=T0) is (region is Region.KANTO)


def test_owner_kinds_are_the_two_documented() -> None:
    assert {kind.value for kind in OwnerKind} == {"user", "queue"}
