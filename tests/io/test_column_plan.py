"""The CSV column plan (bulk decoding, trusted construction) against the per-cell reader.

``read_leads_csv`` reads a file by its column plan: each distinct cell of a column decoded
once, records built by :func:`leadkit.model._trusted.trusted_builder`, a row with any
problem read again cell by cell. The per-cell path (``fast=False``) is the reference
implementation; for every generated file both must give the same leads (same types, same
normalised values) or the same problems (same paths, same messages, same order).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError
from leadkit.io import CsvRowWriter, HeaderMap, ValueFormat, csv_columns, formula_safe_cell
from leadkit.io._csv import _encode_record, _parts, _read_csv_table, _row_encoder
from leadkit.model import (
    Address,
    CustomFields,
    EngagementEvent,
    Lead,
    LeadStatus,
    Money,
    NameOrder,
    PersonName,
    StatusCatalogue,
    sequential_ids,
    use_catalogues,
    use_id_factory,
)
from leadkit.model._trusted import trusted_builder

# Cells a column may hold: good ones in several spellings, and bad ones.
_TEXT = st.text(alphabet=st.sampled_from("abcXYZ 山田太郎カナ株式会社-=+@'\t,\"\n"), max_size=12)
_CELLS: dict[str, list[str]] = {
    "id": ["lead-1", "lead-2", " ", ""],
    "family_name": ["山田", "Smith", "ｽﾐｽ", " ", "x" * 81, ""],
    "given_name": ["太郎", "Jo", "", "y" * 41],
    "family_kana": ["ヤマダ", ""],
    "given_kana": ["タロウ", ""],
    "name_order": ["eastern", "Western", "sideways", ""],
    "company": ["ABC", "株式会社サンプル", "=SUM(A1)", "'=SUM(A1)", "-5", "", "c" * 256],
    "title": ["CEO", "", "  ", "部長"],
    "department": ["IT", "", "d" * 81],
    "email": ["a@b.jp", "ｔａｒｏ＠ａｂｃ．ｊｐ", "not-an-email", "", "A@B.JP "],
    "phone": ["+81-3-1234-5678", "03-1234-5678", "", "=1+1"],
    "mobile": ["", "090-1234-5678"],
    "website": ["https://a.jp/", ""],
    "industry": ["Healthcare", "製造業", ""],
    "employees": ["12", "1,200名", "１２０", "many", "-5", "", "1.5"],
    "annual_revenue": ["1200000", "¥3,000,000", "3億円", "1.5", "abc", "", "$100"],
    "annual_revenue_currency": ["JPY", "USD", "", "XXX", "usd"],
    "address_country": ["JP", "jp", "Japan", "日本", "USA", "Narnia", ""],
    "address_state": ["東京都", "CA", ""],
    "address_city": ["千代田区", "", "Detroit"],
    "address_street": ["", "1-1"],
    "address_postal_code": ["1000001", "100-0001", "〒１００－０００１", "12", ""],
    "lead_source": ["Web", "展示会", ""],
    "status": ["Open - Not Contacted", "未対応", "working - contacted", "bogus", "", "Qualified"],
    "owner": ["user:u-1", "Queue: q-in", "bob", "", "user:"],
    "rating": ["Hot", "warm", "tepid", ""],
    "email_opt_out": ["true", "no", "はい", "maybe", ""],
    "do_not_call": ["false", "1", ""],
    "description": ["", "long\nline", "=cmd|' /C calc'!A0"],
    "created_at": [
        "2026-04-01T09:00:00+09:00",
        "2026-03-10T01:56:07-05:00",
        "2026/4/1 9:00",
        "2026-04-01",
        "2026年4月1日",
        "yesterday",
        "",
    ],
    "converted_at": ["", "2026-04-02T10:00:00Z"],
    "converted_status": ["", "Closed - Converted"],
    "converted_account_id": ["", "account-1"],
    "converted_contact_id": ["", "contact-1"],
    "converted_opportunity_id": ["", "opp-1"],
    "master_record_id": ["", "lead-9"],
    "version": ["0", "3", "-1", "x", ""],
    "custom.seats": ["42", "1.50", "1.5e0", "'text", "2026-13-01", "true", "", "x"],
    "custom.since": ["2026-04-01", "2026-04-01T09:00:00", "2026-04-01T09:00:00Z", ""],
}
_COLUMNS = [*csv_columns(Lead), "custom.seats", "custom.since"]
_REQUIRED = ["family_name", "company", "created_at"]


def _cells(column: str) -> list[str]:
    # A column added to Lead later (an id of another record, a text): some text, or empty.
    return _CELLS.get(column, ["", "ref-1", " x "])


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    optional = [c for c in _COLUMNS if c not in _REQUIRED]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True, max_size=14))
    header = draw(st.permutations(_REQUIRED + chosen))
    cell = {c: st.one_of(st.sampled_from(_cells(c)), _TEXT) for c in header}
    # Mostly good rows, so that files without any problem are read too.
    good = {c: st.sampled_from(_cells(c)[:1]) for c in header}
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        strategy = draw(st.sampled_from([cell, good, good]))
        row = [draw(strategy[c]) for c in header]
        if draw(st.integers(0, 20)) == 0:
            row = row[:-1]  # a short row
        rows.append(row)
    return header, rows


def _text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _read(text: str, *, fast: bool, **options: Any) -> Any:
    """The leads of ``text`` (a list), or the problems (path and message) it was refused
    with (a tuple)."""
    settings_: dict[str, Any] = {"header_map": None, "encoding": "utf-8-sig"}
    settings_ |= {"formula_safe": True, "unknown": None, "values": None} | options
    with use_id_factory(sequential_ids()):
        try:
            return _read_csv_table(io.StringIO(text), Lead, fast=fast, **settings_).records
        except LoadError as err:
            return tuple((p.path, p.message) for p in err.problems)


def _same(fast: Any, reference: Any) -> None:
    assert fast == reference
    # repr names every type (Decimal('1') is not 1, NameOrder.EASTERN is not 'eastern').
    assert repr(fast) == repr(reference)


_FORMATS = st.sampled_from(
    [None, ValueFormat(timezone="Asia/Tokyo", currency="JPY"), ValueFormat(day_first=True)]
)


@settings(max_examples=300, deadline=None)
@given(_tables(), st.booleans(), _FORMATS)
def test_the_column_plan_reads_what_the_per_cell_reader_reads(
    table: tuple[list[str], list[list[str]]], formula_safe: bool, values: ValueFormat | None
) -> None:
    text = _text(*table)
    options = {"formula_safe": formula_safe, "values": values}
    _same(_read(text, fast=True, **options), _read(text, fast=False, **options))


_JAPANESE = {
    "姓": "family_name",
    "会社名": "company",
    "作成日時": "created_at",
    "状況": "status",
    "担当者": "owner",
    "国": "address_country",
    "年商": "annual_revenue",
}


_VALUE_MAP = HeaderMap(
    name="values",
    columns=_JAPANESE,
    values={"status": {"new": "Open - Not Contacted", "dead": "Closed - Not Converted"},
            "custom.seats": {"many": "100", "few": "'few"}},
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_tables(), st.sampled_from(["custom", "ignore", "error"]), st.booleans(), st.data())
def test_with_a_header_map_and_unknown_columns(
    table: tuple[list[str], list[list[str]]], unknown: str, values: bool, data: st.DataObject
) -> None:
    """A header map (bare owner names, Japanese headers, value maps) and a column
    nobody knows."""
    header, rows = table
    renamed = {v: k for k, v in _JAPANESE.items()}
    header = [renamed.get(h, h) for h in header] + ["Favourite Colour"]
    mapped = ["New", "dead", "many", "Few"]
    rows = [[*(c if data.draw(st.booleans()) else data.draw(st.sampled_from(mapped))
               for c in row), "blue"] for row in rows]  # fmt: skip
    text = _text(header, rows)
    header_map = _VALUE_MAP if values else dict(_JAPANESE)
    options = {"header_map": header_map, "unknown": unknown}
    _same(_read(text, fast=True, **options), _read(text, fast=False, **options))


def test_problems_come_in_the_per_cell_order() -> None:
    """Every bad cell, line by line; within a line translated columns (countries) first,
    then in field order (the per-cell reader's order, kept). A status is checked by the
    class, so only in a row whose cells all decode."""
    text = (
        "family_name,company,created_at,employees,status,address_country\n"
        "山田,ABC,2026-04-01T09:00:00+09:00,12,未対応,日本\n"
        ",ABC,yesterday,many,bogus,Narnia\n"
        "Smith,,2026-04-01T09:00:00Z,-5,Open - Not Contacted,JP\n"
    )
    problems = _read(text, fast=True)
    assert problems == _read(text, fast=False)
    assert [path for path, _ in problems] == [
        ("line 3, column address_country",),
        ("line 3, column family_name",),
        ("line 3, column employees",),
        ("line 3, column created_at",),
        ("line 4, column company",),
    ]


def test_good_rows_are_exactly_the_leads_the_class_builds() -> None:
    text = (
        "id,family_name,given_name,company,email,status,address_country,address_postal_code,"
        "annual_revenue,created_at,custom.seats\n"
        "lead-1,山田,太郎,株式会社サンプル,ｔａｒｏ＠ａｂｃ．ｊｐ,未対応,日本,1000001,3億円,"
        "2026-04-01T09:00:00+09:00,20\n"
    )
    (lead,) = _read(text, fast=True)
    assert lead == Lead(
        id="lead-1",
        name=PersonName("山田", "太郎", order=NameOrder.EASTERN),
        company="株式会社サンプル",
        email="taro@abc.jp",
        status="Open - Not Contacted",
        address=Address(country="JP", postal_code="100-0001"),
        annual_revenue=Money(Decimal(300_000_000), "JPY"),
        created_at=datetime(2026, 4, 1, tzinfo=UTC).replace(hour=0),
        custom=CustomFields({"seats": 20}),
    )


def test_a_refused_record_asks_the_id_factory_once() -> None:
    """A lead refused only when built (a converting status without a conversion) is
    reported as the class reports it, and the next generated id is not skipped."""
    text = (
        "family_name,company,created_at,status\n山田,ABC,2026-04-01T09:00:00Z,Closed - Converted\n"
    )
    with use_id_factory(sequential_ids()) as ids:
        with pytest.raises(LoadError) as caught:
            _read_csv_table(
                io.StringIO(text), Lead, header_map=None, encoding="utf-8", formula_safe=True,
                unknown=None, values=None,
            )  # fmt: skip
        assert ids("lead") == "lead-000002"
    (problem,) = caught.value.problems
    assert problem.path == ("line 2, column status",)
    assert "converting status" in problem.message


def test_a_changed_catalogue_is_seen_by_the_next_read() -> None:
    """Builders remember accepted statuses per read, not across reads."""
    text = "family_name,company,created_at,status\n山田,ABC,2026-04-01T09:00:00Z,Nurture\n"
    catalogue = StatusCatalogue(
        (
            LeadStatus("New", "New", is_default=True),
            LeadStatus("Nurture", "Nurture"),
            LeadStatus("Won", "Won", is_converted=True),
        )
    )
    assert isinstance(_read(text, fast=True), tuple)  # not a default status
    with use_catalogues(statuses=catalogue):
        (lead,) = _read(text, fast=True)
    assert lead.status == "Nurture"
    assert isinstance(_read(text, fast=True), tuple)


def test_the_trusted_builder_checks_what_the_class_checks() -> None:
    build = trusted_builder(Lead)
    assert build is not None
    good: dict[str, Any] = {
        "name": PersonName("Smith"),
        "company": "ABC",
        "created_at": datetime.now(UTC),
    }
    assert build(id="lead-1", **good) == Lead(id="lead-1", **good)
    assert build(id="lead-1", **good, title="  CEO ").title == "CEO"
    bads: list[dict[str, Any]] = [
        {"company": "  "},
        {"company": "x" * 256},
        {"email": "nope"},
        {"employees": True},
        {"employees": -1},
        {"created_at": datetime(2026, 4, 1)},
        {"status": "bogus"},
        {"status": "Closed - Converted"},
        {"company": "\ud800"},
    ]
    for bad in bads:
        with pytest.raises(ValidationError):
            Lead(id="lead-1", **(good | bad))
        with pytest.raises(ValidationError):
            build(id="lead-1", **(good | bad))
    # Twice: the second time the accepted values are remembered, the bad ones are not.
    with pytest.raises(ValidationError):
        build(id="lead-1", **(good | {"status": "bogus"}))


def test_classes_the_builder_does_not_reproduce_use_the_class() -> None:
    @attrs.define
    class Mutable:
        x: int

    assert trusted_builder(Mutable) is None
    assert trusted_builder(EngagementEvent) is None or callable(trusted_builder(EngagementEvent))


@settings(max_examples=150, deadline=None)
@given(_tables(), st.booleans())
def test_the_generated_row_encoder_writes_what_the_per_field_encoder_writes(
    table: tuple[list[str], list[list[str]]], formula_safe: bool
) -> None:
    """write_csv encodes rows with generated code; _encode_record is its reference."""
    leads = _read(_text(*table), fast=True, formula_safe=formula_safe)
    if isinstance(leads, tuple):  # a table with problems: read its good rows alone
        header, rows = table
        read = [_read(_text(header, [row]), fast=True) for row in rows]
        leads = [lead for one in read if isinstance(one, list) for lead in one]
    parts = _parts(Lead)
    names = {"custom": sorted({name for lead in leads for name in lead.custom})}
    encode = _row_encoder(Lead, parts, names)
    for lead in leads:
        assert encode(lead) == _encode_record(lead, parts, names)


def test_written_order_is_left_out_when_the_script_implies_it() -> None:
    """A name order is written only when it is not what the script implies."""
    stamp = datetime(2026, 4, 1, tzinfo=UTC)
    leads = [
        Lead(id="a", name=PersonName("山田", "太郎"), company="A", created_at=stamp),
        Lead(
            id="b", name=PersonName("Smith", order=NameOrder.EASTERN), company="B", created_at=stamp
        ),
    ]
    encode = _row_encoder(Lead, _parts(Lead), {"custom": []})
    order = list(csv_columns(Lead)).index("name_order")
    assert [encode(lead)[order] for lead in leads] == ["", "eastern"]


def test_formula_cells_are_neutralised_in_bulk_as_one_by_one() -> None:
    cells = ["=SUM(A1)", "'=x", "-5", "+81-3-1234-5678", "@user", "", "plain", "'", "\tx"]
    out = io.StringIO()
    CsvRowWriter(out).writerows([cells])
    one = io.StringIO()
    CsvRowWriter(one).writerow(cells)
    assert out.getvalue() == one.getvalue()
    assert next(csv.reader(io.StringIO(out.getvalue()))) == [formula_safe_cell(c) for c in cells]
