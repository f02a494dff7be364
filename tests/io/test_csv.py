"""CSV tables: every record type round-trips; bad rows are reported with line and column."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError
from leadkit.io import (
    JAPANESE_LEAD_HEADERS,
    csv_columns,
    dumps,
    read_csv,
    read_events_csv,
    read_leads_csv,
    write_csv,
    write_events_csv,
    write_leads_csv,
)
from leadkit.model import (
    Address,
    CampaignMember,
    EngagementEvent,
    Lead,
    Money,
    NameOrder,
    OwnerRef,
    PersonName,
    Queue,
)
from tests.io._cases import RECORD_CASES

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def _round_trip(records: list[Any], cls: type[Any]) -> list[Any]:
    buffer = io.StringIO(newline="")
    assert write_csv(records, buffer, cls) == len(records)
    return read_csv(io.StringIO(buffer.getvalue(), newline=""), cls)


@pytest.mark.parametrize(
    ("cls", "strategy"), RECORD_CASES, ids=[c.__name__ for c, _ in RECORD_CASES]
)
def test_write_then_read_gives_equal_records(cls: type[Any], strategy: Any) -> None:
    @given(st.lists(strategy, max_size=4))
    def check(records: list[Any]) -> None:
        back = _round_trip(records, cls)
        assert back == records
        # == treats True as 1 and Decimal("1") as 1; the JSON form tells them apart.
        assert [dumps(r) for r in back] == [dumps(r) for r in records]

    check()


def _lead(**changes: Any) -> Lead:
    fields: dict[str, Any] = {
        "id": "lead-1",
        "name": PersonName("山田", "太郎", family_kana="ヤマダ"),
        "company": "株式会社サンプル",
        "created_at": T0,
    }
    fields.update(changes)
    return Lead(**fields)


def test_text_with_commas_quotes_and_newlines_survives() -> None:
    lead = _lead(
        company='ACME, "The" Company',
        description="Met at the booth.\nFollow up in May,\r\nafter the budget.",
    )
    assert _round_trip([lead], Lead) == [lead]


def test_custom_values_keep_their_type() -> None:
    values: dict[str, Any] = {
        "seats": 20,
        "budget": Decimal("1500000.50"),
        "whole": Decimal("7"),
        "ratio": 0.25,
        "trial": True,
        "since": date(2025, 10, 1),
        "seen": datetime(2026, 3, 1, 12, 30, tzinfo=JST),
        "code": "0123",
        "looks_like_int": "42",
        "looks_like_bool": "true",
        "quoted": "'tis",
        "empty": "",
        "plain": "CRM",
    }
    [back] = _round_trip([_lead(custom=values)], Lead)
    for name, value in values.items():
        assert back.custom[name] == value
        assert type(back.custom[name]) is type(value), name


def test_custom_cells_are_readable_by_people() -> None:
    out = io.StringIO()
    write_leads_csv([_lead(custom={"seats": 20, "plan": "Pro", "code": "42"})], out)
    header, row = out.getvalue().splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["custom.seats"] == "20"
    assert cells["custom.plan"] == "Pro"
    assert cells["custom.code"] == "'42"  # text that looks like a number is marked as text
    assert cells["created_at"] == "2026-04-01T09:00:00+09:00"
    assert cells["owner"] == ""


def test_documented_lead_columns() -> None:
    columns = csv_columns(Lead)
    for expected in [
        "family_name",
        "given_name",
        "company",
        "address_country",
        "address_state",
        "address_postal_code",
        "annual_revenue",
        "annual_revenue_currency",
        "owner",
        "created_at",
    ]:
        assert expected in columns
    assert len(set(columns)) == len(columns)


def test_owner_money_and_name_order_are_flattened() -> None:
    lead = _lead(
        name=PersonName("Smith", "John", order=NameOrder.EASTERN),
        owner=OwnerRef.queue("q-1"),
        annual_revenue=Money("1200000", "JPY"),
        address=Address(country="JP", state="東京都", postal_code="1000001"),
    )
    out = io.StringIO()
    write_leads_csv([lead], out)
    rows = list(__import__("csv").DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["owner"] == "queue:q-1"
    assert rows[0]["annual_revenue"] == "1200000"
    assert rows[0]["annual_revenue_currency"] == "JPY"
    assert rows[0]["name_order"] == "eastern"  # not what the Latin script implies
    assert rows[0]["address_postal_code"] == "100-0001"
    assert read_leads_csv(io.StringIO(out.getvalue())) == [lead]


BAD = """\
family_name,company,employees,created_at,owner,email,annual_revenue,annual_revenue_currency
山田,ABC,12,2026-04-01T09:00:00+09:00,user:u-1,taro@abc.co.jp,,
佐藤,,many,2026-04-01T09:00:00,someone,not-an-email,12x,
"Smith
Jr.",Acme,"1,200",2026-04-01T09:00:00Z,queue:q-1,,100,USD
,Contoso,5,2026-04-02T09:00:00Z,,,5,
"""


def test_every_bad_cell_is_reported_with_its_line_and_column() -> None:
    with pytest.raises(LoadError) as info:
        read_leads_csv(io.StringIO(BAD))
    problems = [str(p) for p in info.value.problems]
    assert "line 3, column company: required; the cell is empty" in problems
    assert "line 3, column employees: expected an integer, got 'many'" in problems
    assert any(p.startswith("line 3, column created_at: ") and "timezone" in p for p in problems)
    assert any(p.startswith("line 3, column owner: expected user:<id>") for p in problems)
    assert any(p.startswith("line 3, column annual_revenue: expected a number") for p in problems)
    # The record on lines 4-5 (a name with a line break) is fine; line 6 starts the next.
    assert not any(p.startswith(("line 4", "line 5")) for p in problems)
    assert "line 6, column family_name: required; the cell is empty" in problems
    assert any(p.startswith("line 6, column annual_revenue_currency: ") for p in problems)
    assert "line 3" in str(info.value)


def test_constructor_errors_name_the_column() -> None:
    text = (
        "family_name,company,created_at,email,status,address_country,address_postal_code\n"
        "山田,ABC,2026-04-01T09:00:00Z,taro@,Open - Not Contacted,JP,\n"
        "山田,ABC,2026-04-01T09:00:00Z,,Hot,JP,\n"
        "山田,ABC,2026-04-01T09:00:00Z,,,JP,12\n"
    )
    with pytest.raises(LoadError) as info:
        read_leads_csv(io.StringIO(text))
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith("line 2, column email: 'taro@' is not an email") for p in problems)
    assert any(p.startswith("line 3, column status: unknown status 'Hot'") for p in problems)
    assert any(
        p.startswith("line 4, column address_postal_code: Japanese postal") for p in problems
    )


def test_a_row_error_without_a_column_names_the_line() -> None:
    text = "campaign_id,lead_id,contact_id,created_at\nc-1,l-1,ct-1,2026-04-01T00:00:00Z\n"
    with pytest.raises(LoadError, match=r"line 2: give exactly one of lead_id, contact_id"):
        read_csv(io.StringIO(text), CampaignMember)


def test_header_problems_are_reported_before_rows() -> None:
    text = "family_name,colour,family_name,custom.bad-name\n山田,blue,山田,x\n"
    with pytest.raises(LoadError) as info:
        read_leads_csv(io.StringIO(text))
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith("line 1, column colour: unknown column") for p in problems)
    assert "line 1, column family_name: appears twice" in problems
    assert any(p.startswith("line 1, column custom.bad-name: custom field names") for p in problems)
    assert "line 1: missing required column company" in problems
    assert "line 1: missing required column created_at" in problems


def test_an_unknown_column_suggests_the_closest_known_one() -> None:
    text = "family_name,company,created_at,employes\n山田,ABC,2026-04-01T00:00:00Z,3\n"
    with pytest.raises(
        LoadError, match=r"line 1, column employes: unknown column; did you mean employees\?"
    ):
        read_leads_csv(io.StringIO(text))


def test_a_source_or_target_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match="source: expected a path or a text file"):
        read_leads_csv(42)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="text mode"):
        write_leads_csv([_lead()], io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(LoadError, match="text mode"):
        read_leads_csv(io.BytesIO(b"family_name,company,created_at\n"))  # type: ignore[arg-type]


def test_rows_with_the_wrong_number_of_cells_are_reported() -> None:
    text = "family_name,company,created_at\n山田,ABC\n佐藤,DEF,2026-04-01T00:00:00Z,extra\n"
    with pytest.raises(LoadError) as info:
        read_leads_csv(io.StringIO(text))
    assert [str(p) for p in info.value.problems] == [
        "line 2: expected 3 cells, found 2",
        "line 3: expected 3 cells, found 4",
    ]


def test_header_map_reads_japanese_headers_and_lenient_values() -> None:
    text = (
        "\ufeff姓,名,会社名,従業員数,作成日時,都道府県,国,メモ\n"
        '山田,太郎,株式会社サンプル,"１,２００",2026-04-01T09:00:00+09:00,東京都,JP,よろしく\n'
    )
    headers = {**JAPANESE_LEAD_HEADERS, "メモ": None}
    [lead] = read_leads_csv(io.StringIO(text), header_map=headers)
    assert lead.name == PersonName("山田", "太郎")
    assert lead.company == "株式会社サンプル"
    assert lead.employees == 1200
    assert lead.address.prefecture is not None
    assert lead.address.prefecture.name == "東京都"
    assert lead.created_at == T0


def test_blank_lines_are_not_rows_and_slash_dates_are_dates() -> None:
    text = (
        "campaign_id,lead_id,created_at,responded,first_responded_at\n"
        "\n"
        "c-1,l-1,2026-04-01T00:00:00Z,TRUE,2026/4/1\n"
    )
    [member] = read_csv(io.StringIO(text), CampaignMember)
    assert member.responded is True
    assert member.first_responded_at == date(2026, 4, 1)


def test_a_custom_cell_that_looks_typed_but_is_invalid_is_reported() -> None:
    text = (
        "family_name,company,created_at,custom.since,custom.at\n"
        "山田,ABC,2026-04-01T00:00:00Z,2026-13-45,2026-04-01T09:00\n"
    )
    with pytest.raises(LoadError) as info:
        read_leads_csv(io.StringIO(text))
    problems = [str(p) for p in info.value.problems]
    assert any(
        p.startswith("line 2, column custom.since: '2026-13-45' is not a valid date")
        for p in problems
    )
    assert any(p.startswith("line 2, column custom.at: ") and "timezone" in p for p in problems)


def test_paths_and_gzip(tmp_path: Path) -> None:
    events = [
        EngagementEvent(
            id=f"event-{i}",
            kind="page_view",
            occurred_at=T0 + timedelta(minutes=i),
            lead_id="lead-1",
            properties={"url": "/pricing"},
        )
        for i in range(3)
    ]
    for name in ("events.csv", "events.csv.gz"):
        path = tmp_path / name
        assert write_events_csv(events, path) == 3
        assert read_events_csv(path) == events
    first = (tmp_path / "events.csv.gz").read_bytes()
    write_events_csv(events, tmp_path / "events.csv.gz")
    assert (tmp_path / "events.csv.gz").read_bytes() == first  # reproducible bytes
    assert first[:2] == b"\x1f\x8b"


def test_unreadable_sources_are_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        read_leads_csv(tmp_path / "missing.csv")
    (tmp_path / "sjis.csv").write_bytes("姓,会社名\n".encode("cp932"))
    with pytest.raises(LoadError, match="cp932"):
        read_leads_csv(tmp_path / "sjis.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LoadError, match="empty"):
        read_leads_csv(tmp_path / "empty.csv")


def test_cp932_files_read_with_the_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "sjis.csv"
    path.write_bytes(
        "姓,会社名,作成日時\n山田,サンプル,2026-04-01T09:00:00+09:00\n".encode("cp932")
    )
    [lead] = read_leads_csv(path, header_map=JAPANESE_LEAD_HEADERS, encoding="cp932")
    assert lead.company == "サンプル"


def test_writing_the_wrong_type_or_unwritable_items_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"records\[0\]: expected Lead"):
        write_leads_csv([object()], io.StringIO())  # type: ignore[list-item]
    fields: dict[str, Any] = {"id": "q-1", "name": "Inbound", "member_ids": ("u;1",)}
    queue = Queue(**fields)
    with pytest.raises(ValidationError, match="';'"):
        write_csv([queue], io.StringIO(), Queue)


def test_a_type_that_is_not_a_record_is_refused() -> None:
    with pytest.raises(ValidationError, match="not an attrs record type"):
        csv_columns(dict)


def test_the_time_zone_of_each_timestamp_is_kept() -> None:
    lead = _lead(created_at=datetime(2026, 4, 1, tzinfo=UTC))
    [back] = _round_trip([lead], Lead)
    assert back.created_at.utcoffset() == timedelta(0)
    [back] = _round_trip([_lead()], Lead)
    assert back.created_at.utcoffset() == timedelta(hours=9)


def test_the_documented_lead_columns_are_the_real_ones() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sample.md").read_text("utf-8")
    table = docs.split("### Lead columns", 1)[1].split("\n\n", 2)[1]
    documented = [
        line.split("|")[1].strip().strip("`")
        for line in table.splitlines()
        if line.startswith("| `")
    ]
    assert documented == [*csv_columns(Lead), "custom.<name>"]
