"""Matching rules, duplicate rule sets and survivorship as plain data (docs/dedupe.md,
"Rules as data"): the standard rules round-trip, TOML reads, every problem has its path."""

from __future__ import annotations

import enum
import tomllib
from datetime import UTC, datetime

import attrs
import pytest

from leadkit.dedupe import (
    ACCOUNT_RULE,
    CONTACT_RULE,
    DEFAULT_ACCOUNT_DUPLICATE_RULES,
    DEFAULT_CONTACT_DUPLICATE_RULES,
    DEFAULT_LEAD_DUPLICATE_RULES,
    LEAD_RULE,
    LEAD_VS_CONTACT_RULE,
    Block,
    ConditionMatch,
    EmailMatch,
    KeyMatch,
    MatchingRule,
    MostRecent,
    NameMatch,
    Survivorship,
    _codec,
    dump_duplicate_rules,
    dump_matching_rule,
    dump_survivorship,
    load_duplicate_rules,
    load_matching_rule,
    load_survivorship,
)
from leadkit.errors import LoadError, format_path
from leadkit.io._reader import Reader
from leadkit.model import Contact
from leadkit.rules import field


def paths(error: LoadError) -> list[str]:
    return [format_path(p.path) for p in error.problems]


@pytest.mark.parametrize(
    "rule", [LEAD_RULE, CONTACT_RULE, LEAD_VS_CONTACT_RULE, ACCOUNT_RULE], ids=lambda r: r.name
)
def test_the_standard_rules_round_trip(rule: MatchingRule) -> None:
    """docs/dedupe.md: the standard rules are data too."""
    assert load_matching_rule(dump_matching_rule(rule)) == rule


@pytest.mark.parametrize(
    "rules",
    [
        DEFAULT_LEAD_DUPLICATE_RULES,
        DEFAULT_CONTACT_DUPLICATE_RULES,
        DEFAULT_ACCOUNT_DUPLICATE_RULES,
    ],
)
def test_the_default_duplicate_rules_round_trip(rules: object) -> None:
    assert load_duplicate_rules(dump_duplicate_rules(rules)) == rules  # type: ignore[arg-type]


def test_only_options_that_differ_from_the_defaults_are_written() -> None:
    rule = MatchingRule("r", [EmailMatch(), NameMatch(part="family", kana=False)])
    assert dump_matching_rule(rule)["criteria"] == [
        {"type": "email"},
        {"type": "name", "part": "family", "threshold": 0.9, "kana": False},
    ]


def test_a_block_with_its_own_name_is_a_table() -> None:
    rule = MatchingRule("r", [EmailMatch()], blocking=[Block("email"), Block("phone", name="tel")])
    assert dump_matching_rule(rule)["blocking"] == [["email"], {"parts": ["phone"], "name": "tel"}]


def test_a_condition_criterion_on_contacts_keeps_its_record_type() -> None:
    """A condition on another record type than Lead is written as a document with ``on``."""
    criterion = ConditionMatch(
        field("department", on=Contact) == "営業", as_of=datetime(2026, 5, 1, tzinfo=UTC)
    )
    rule = MatchingRule("r", [criterion])
    data = dump_matching_rule(rule)
    assert data["criteria"][0]["condition"]["on"] == "Contact"
    assert load_matching_rule(data) == rule


def test_a_toml_file_reads() -> None:
    data = tomllib.loads(
        """
        schema = 1
        name = "e-mail or name"
        threshold = 1.5
        blocking = [["email"], { parts = ["family", "company:4"], name = "family+co" }]
        [[criteria]]
        type = "email"
        weight = 2
        [[criteria]]
        type = "name"
        part = "family"
        threshold = 0.8
        """
    )
    rule = load_matching_rule(data)
    assert rule.threshold == 1.5
    assert rule.criteria == (EmailMatch(weight=2), NameMatch(part="family", threshold=0.8))
    assert [b.name for b in rule.blocking] == ["email", "family+co"]


def test_every_problem_is_reported_with_its_path() -> None:
    with pytest.raises(LoadError) as caught:
        load_matching_rule(
            {
                "schema": 1,
                "name": "r",
                "colour": "red",
                "blocking": [5],
                "criteria": [
                    {"type": "mail"},
                    {"type": "name", "part": "middle"},
                    {"type": "exact"},
                    {"type": "email", "treshold": 0.9},
                    "email",
                ],
            }
        )
    assert paths(caught.value) == [
        "colour",
        "blocking[0]",
        "criteria[0].type",
        "criteria[1].part",
        "criteria[2].field",
        "criteria[3].treshold",
        "criteria[4]",
    ]


def test_logic_problems_name_the_logic_key() -> None:
    with pytest.raises(LoadError) as caught:
        load_matching_rule({"name": "r", "logic": "1 OR 2", "criteria": [{"type": "email"}]})
    assert paths(caught.value) == ["logic"]


def test_a_key_match_holds_code_and_cannot_be_written() -> None:
    rule = MatchingRule("r", [KeyMatch("email", str.lower)])
    with pytest.raises(LoadError) as caught:
        dump_matching_rule(rule)
    assert paths(caught.value) == ["criteria[0]"]
    assert "holds a function" in caught.value.problems[0].message


def test_duplicate_rule_problems_point_into_the_matching_rule() -> None:
    with pytest.raises(LoadError) as caught:
        load_duplicate_rules(
            {
                "rules": [
                    {"name": "a", "against": "leads", "on_create": "stop", "matching_rule": {}},
                    {"against": "leads", "matching_rule": {"name": "m", "criteria": []}},
                ]
            }
        )
    assert paths(caught.value) == [
        "rules[0].on_create",
        "rules[0].matching_rule.name",
        "rules[0].matching_rule.criteria",
        "rules[1].name",
        "rules[1].matching_rule.criteria",
    ]


def test_an_unknown_action_is_reported_at_its_key() -> None:
    rule = dump_matching_rule(LEAD_RULE)
    del rule["schema"]
    with pytest.raises(LoadError) as caught:
        load_duplicate_rules(
            {"rules": [{"name": "a", "against": "leads", "on_edit": "stop", "matching_rule": rule}]}
        )
    assert paths(caught.value) == ["rules[0].on_edit"]


def test_survivorship_rules_are_names_or_tables() -> None:
    survivorship = Survivorship(
        Contact, default=MostRecent(), fields={"title": MostRecent("custom.updated_at")}
    )
    data = dump_survivorship(survivorship)
    assert data == {
        "schema": 1,
        "record_type": "Contact",
        "default": "most_recent",
        "fields": {"title": {"rule": "most_recent", "by": "custom.updated_at"}},
    }
    assert load_survivorship(data) == survivorship


def test_survivorship_problems_have_paths() -> None:
    with pytest.raises(LoadError) as caught:
        load_survivorship(
            {
                "record_type": "Lead",
                "default": "loudest",
                "fields": {"phone": {"rule": "concatenate", "glue": "/"}, "title": 3},
            }
        )
    assert paths(caught.value) == ["default", "fields.phone.glue", "fields.title"]
    with pytest.raises(LoadError) as caught:
        load_survivorship({"record_type": "Lead", "fields": {"fax": "longest"}})
    assert paths(caught.value) == ["fields.fax"]
    with pytest.raises(LoadError) as caught:
        load_survivorship({"record_type": "Opportunity"})
    assert paths(caught.value) == ["record_type"]


class Script(enum.Enum):
    LATIN = "latin"
    KANA = "kana"


@attrs.frozen
class ScriptMatch:
    """A comparator with enum and tuple options, as nayose may add (a test double)."""

    script: Script = attrs.field(default=Script.LATIN, kw_only=True)
    stop_words: tuple[str, ...] = attrs.field(default=(), kw_only=True)


def test_comparator_options_of_enum_and_tuple_types_are_read_back() -> None:
    """The codec is generic over attrs classes: enum and tuple options are written as
    plain values and read back by their annotations, with no codec of their own."""
    data = {"type": "script", "script": "kana", "stop_words": ["株式会社"]}
    reader = Reader()
    built = _codec._build(reader, ScriptMatch, data, ("criteria", 0), "type")
    assert built == ScriptMatch(script=Script.KANA, stop_words=("株式会社",))
    assert {"type": "script", **_codec._options(built, ())} == data
    _codec._build(reader, ScriptMatch, {"script": "cyrillic"}, ("criteria", 1), "type")
    assert [format_path(p.path) for p in reader.problems] == ["criteria[1].script"]
