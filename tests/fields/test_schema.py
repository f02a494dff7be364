"""Field definitions and picklists as data (issue 20): leads and imports validated with
path-named errors, conditions on custom fields type-checked when checked against the
schema. Semantics as documented in docs/fields.md."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadkit.errors import LoadError, format_path
from leadkit.fields import FieldSchema, load_field_schema
from leadkit.io import ValueFormat, read_lead_file
from leadkit.model import Lead, PersonName
from leadkit.rules import RuleError, field

SCHEMA_TOML = """
[fields.budget]
type = "number"
required = true
label = { en = "Budget", ja = "予算" }

[fields.segment]
type = "picklist"
values = ["SMB", { value = "Enterprise", ja = "大企業" }]

[picklists]
industry = [{ value = "Manufacturing", ja = "製造業" }, "IT"]
"""
AT = datetime(2026, 4, 1, tzinfo=UTC)


def _schema() -> FieldSchema:
    return load_field_schema(tomllib.loads(SCHEMA_TOML))


def _lead(**kwargs: object) -> Lead:
    return Lead(name=PersonName("山田"), company="ABC", created_at=AT, **kwargs)  # type: ignore[arg-type]


def test_labels_in_both_languages() -> None:
    schema = _schema()
    assert schema.label("budget", locale="ja") == "予算"
    assert schema.label("segment", locale="ja") == "segment"
    assert schema.fields["segment"].values[1].label_ja == "大企業"


def test_a_valid_lead_passes() -> None:
    lead = _lead(custom={"budget": 100, "segment": "SMB"}, industry="IT")
    assert _schema().check_lead(lead) is lead


def test_every_problem_is_named_by_its_path() -> None:
    lead = _lead(custom={"segment": "Huge", "colour": "red"}, industry="Fishing")
    with pytest.raises(LoadError) as caught:
        _schema().check_lead(lead)
    paths = {".".join(map(str, p.path)) for p in caught.value.problems}
    assert paths == {"custom.budget", "custom.segment", "custom.colour", "industry"}


def test_imports_are_checked_row_by_row() -> None:
    rows = [_lead(custom={"budget": 1}), _lead(custom={"budget": "a lot"})]
    with pytest.raises(LoadError) as caught:
        _schema().check_leads(rows)
    assert [p.path for p in caught.value.problems] == [(1, "custom", "budget")]


def test_conditions_on_custom_fields_are_type_checked() -> None:
    schema = _schema()
    ok = (field("custom.budget") >= 1000) & field("custom.segment").is_in(["SMB"])
    assert schema.check_condition(ok) is ok
    with pytest.raises(RuleError, match="expected number"):
        schema.check_condition(field("custom.budget") == "lots")
    with pytest.raises(RuleError, match="allowed values"):
        schema.check_condition(field("custom.segment") == "Huge")
    with pytest.raises(RuleError, match="not a defined custom field"):
        schema.check_condition(field("custom.colour") == "red")
    with pytest.raises(RuleError, match="industry picklist"):
        schema.check_condition(field("industry") == "Fishing")


def test_bad_schema_data_lists_every_problem() -> None:
    bad = {
        "fields": {"budget": {"type": "money"}, "segment": {"type": "picklist", "values": []}},
        "picklists": {"title": ["CEO"]},
        "extra": 1,
    }
    with pytest.raises(LoadError) as caught:
        load_field_schema(bad)
    paths = [".".join(map(str, p.path)) for p in caught.value.problems]
    assert paths == ["extra", "fields.budget.type", "fields.segment.values", "picklists.title"]


def test_conditions_are_checked_when_built_inside_use_field_schema() -> None:
    """Issue 20: a condition comparing a number field with text fails where it is built,
    naming the field's path; outside the block nothing is checked (docs/fields.md)."""
    from leadkit.fields import use_field_schema

    schema = _schema()
    with use_field_schema(schema):
        ok = field("custom.budget") >= 1000
        with pytest.raises(RuleError) as caught:
            field("custom.budget") == "lots"  # noqa: B015 - built for its error
        assert caught.value.path == ("custom", "budget")
        with pytest.raises(RuleError, match="declared number"):
            field("custom.budget").contains("0")
        with pytest.raises(RuleError, match="not a defined custom field"):
            field("custom.colour").is_in(["red"])
        with pytest.raises(RuleError, match="allowed values"):
            field("custom.segment").is_in(["SMB", "Huge"])
    assert schema.check_condition(ok) is ok
    assert str(field("custom.budget") == "lots") == "custom.budget == 'lots'"  # unchecked


def test_read_lead_file_checks_every_row_against_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(
        "会社名,姓,作成日,業種,custom.budget,custom.segment,キャンペーン\n"
        "ABC,山田,2026-04-01,製造業,500,大企業,expo\n"  # labels read as their values
        "DEF,佐藤,2026-04-02,農業,abc,SMB,\n"
        "GHI,鈴木,2026-04-03,IT,,SMB,\n",
        encoding="utf-8",
    )
    tokyo = ValueFormat(timezone="Asia/Tokyo")
    with pytest.raises(LoadError) as caught:
        read_lead_file(path, values=tokyo, fields=_schema())
    assert [(format_path(p.path), p.message) for p in caught.value.problems] == [
        ("line 3, column 業種", "'農業' is not in the picklist (Manufacturing, IT)"),
        ("line 3, column custom.budget", "expected number, got text 'abc'"),
        ("line 4, column custom.budget", "required field is missing"),
    ]
    path.write_text(
        "会社名,姓,作成日,業種,custom.budget,custom.segment,キャンペーン\n"
        "ABC,山田,2026-04-01,製造業,500,大企業,expo\n",
        encoding="utf-8",
    )
    lead = read_lead_file(path, values=tokyo, fields=_schema()).leads[0]
    assert (lead.industry, lead.custom["segment"], lead.custom["budget"]) == (
        "Manufacturing",
        "Enterprise",
        500,
    )
    assert lead.custom["campaign_id"] == "expo"  # the campaign column needs no definition
