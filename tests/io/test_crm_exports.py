"""CRM exports read as written: header maps, one parser, countries, encodings, JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.errors import LoadError, ValidationError
from leadkit.io import (
    ValueFormat,
    country_code,
    detect_header_map,
    parse_amount,
    parse_datetime,
    parse_integer,
    read_lead_file,
)
from leadkit.model import Money

JST = timezone(timedelta(hours=9))
US_TOKYO = ValueFormat(day_first=False, timezone="Asia/Tokyo")

SALESFORCE_EN = (
    "Lead ID,First Name,Last Name,Company,Title,Email,Phone,Mobile,Lead Source,Lead Status,"
    "Industry,No. of Employees,Annual Revenue,Street,City,State/Province,Zip/Postal Code,"
    "Country,Created Date,Lead Owner,Rating,Lead Record Type\n"
    "00Q5g01,Taro,Yamada,Sample KK,CTO,taro@sample.co.jp,03-1234-5678,090-1234-5678,Web,"
    'Open - Not Contacted,Software,"1,200","¥3,000,000",1-1 Marunouchi,Chiyoda,Tokyo,'
    "100-0005,Japan,4/1/2026 9:00 AM,Jo Smith,Hot,Standard\n"
)
SALESFORCE_JA = (
    "リード ID,姓,名,会社名,役職,メール,電話,リードソース,リード状況,従業員数,年間売上,"
    "都道府県,国,作成日,リード所有者\n"
    "00Q5g02,山田,太郎,株式会社サンプル,部長,taro@sample.co.jp,03-1234-5678,展示会,対応中,"
    "１，２００名,3億円,東京都,日本,2026/04/01 9:00,佐藤 健\n"
)
HUBSPOT_EN = (
    "Record ID,First Name,Last Name,Email,Company Name,Job Title,Phone Number,"
    "Lifecycle Stage,Lead Status,Create Date,Contact owner,Number of Employees,"
    "Annual Revenue,Country/Region,State/Region,Marketing contact status,Favourite Colour\n"
    "301,Ann,Lee,ann@acme.com,Acme,VP Sales,+1 415 555 0100,marketingqualifiedlead,"
    "IN_PROGRESS,2026-04-01 09:00,Jo Smith,300,1500000,United States,CA,Marketing,blue\n"
    "302,Bo,Kim,bo@acme.com,Acme,CTO,,Sales Qualified Lead,New,2026-04-02 10:30,,,"
    ",USA,,Non-marketing,\n"
)
HUBSPOT_JA = (
    "レコードID,名,姓,Eメール,会社名,役職,ライフサイクルステージ,リードステータス,作成日,"
    "国/地域,都道府県/地域\n"
    "401,花子,鈴木,hanako@test.co.jp,テスト商事,課長,opportunity,UNQUALIFIED,"
    "2026年4月1日 9時00分,日本,大阪府\n"
)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_salesforce_english_export(tmp_path: Path) -> None:
    """Labels from Salesforce Help, 'Field Mapping for Importing Leads' (Data Import
    Wizard); dates as a US-locale export writes them."""
    file = read_lead_file(write(tmp_path, "sf.csv", SALESFORCE_EN), values=US_TOKYO)
    assert file.header_map is not None
    assert file.header_map.name == "salesforce"
    (lead,) = file.leads
    assert (lead.id, lead.name.family, lead.name.given, lead.company) == (
        "00Q5g01", "Yamada", "Taro", "Sample KK",
    )  # fmt: skip
    assert lead.employees == 1200
    assert lead.annual_revenue == Money(3_000_000, "JPY")
    assert lead.address.country == "JP"
    assert lead.address.prefecture is not None
    assert lead.address.prefecture.name == "東京都"
    assert lead.created_at == datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    assert str(lead.owner) == "user:Jo Smith"
    assert file.ignored == ("Lead Record Type",)
    assert file.id_column == "Lead ID"


def test_salesforce_japanese_locale_export(tmp_path: Path) -> None:
    """Japanese labels of the Lead object (姓, 名, 会社名, リード状況, 作成日) as a
    Japanese-locale org exports them; statuses by their Japanese label (対応中)."""
    file = read_lead_file(write(tmp_path, "sf_ja.csv", SALESFORCE_JA), values=US_TOKYO)
    assert file.header_map is not None
    assert file.header_map.name == "salesforce"
    (lead,) = file.leads
    assert (lead.name.family, lead.status, lead.employees) == ("山田", "Working - Contacted", 1200)
    assert lead.annual_revenue == Money(300_000_000, "JPY")
    assert lead.address.country == "JP"
    assert lead.created_at == datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def test_hubspot_export_maps_lifecycle_stages(tmp_path: Path) -> None:
    """HubSpot's default contact properties and lifecycle stage values (HubSpot Knowledge
    Base, 'How do I import contacts'): marketingqualifiedlead → mql, Sales Qualified
    Lead → sal (accepted by sales), IN_PROGRESS → Working - Contacted."""
    file = read_lead_file(
        write(tmp_path, "hubspot.csv", HUBSPOT_EN),
        values=ValueFormat(timezone="America/Los_Angeles", currency="USD"),
        unknown="custom",
    )
    assert file.header_map is not None
    assert file.header_map.name == "hubspot"
    first, second = file.leads
    assert first.custom["lifecycle_stage"] == "mql"
    assert second.custom["lifecycle_stage"] == "sal"
    assert (first.status, second.status) == ("Working - Contacted", "Open - Not Contacted")
    assert first.annual_revenue == Money(1_500_000, "USD")
    assert (first.address.country, second.address.country) == ("US", "US")
    assert first.custom["favourite_colour"] == "blue"
    assert file.custom == ("Favourite Colour",)
    assert [row["Record ID"] for row in file.rows] == ["301", "302"]


def test_hubspot_japanese_locale_export(tmp_path: Path) -> None:
    """HubSpot's Japanese property labels (ライフサイクルステージ, リードステータス)."""
    file = read_lead_file(
        write(tmp_path, "hubspot_ja.csv", HUBSPOT_JA), values=ValueFormat(timezone="Asia/Tokyo")
    )
    assert file.header_map is not None
    assert file.header_map.name == "hubspot"
    (lead,) = file.leads
    assert lead.custom["lifecycle_stage"] == "sql"
    assert lead.status == "Closed - Not Converted"
    assert lead.address.prefecture is not None
    assert lead.address.prefecture.name == "大阪府"
    assert lead.created_at == datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def test_cp932_and_bom_are_detected(tmp_path: Path) -> None:
    """Excel writes Japanese CSV as Shift_JIS (cp932) or as UTF-8 with a BOM."""
    sjis = read_lead_file(write(tmp_path, "sjis.csv", SALESFORCE_JA, "cp932"), values=US_TOKYO)
    bom = read_lead_file(write(tmp_path, "bom.csv", SALESFORCE_JA, "utf-8-sig"), values=US_TOKYO)
    assert (sjis.encoding, bom.encoding) == ("cp932", "utf-8-sig")
    assert sjis.leads == bom.leads
    with pytest.raises(LoadError, match="not utf-8 text"):
        read_lead_file(tmp_path / "sjis.csv", values=US_TOKYO, encoding="utf-8")


def test_ambiguous_dates_naive_times_and_unknown_countries_are_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "sf.csv", SALESFORCE_EN.replace(",Japan,", ",Atlantis,"))
    with pytest.raises(LoadError) as info:
        read_lead_file(path)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith("line 2, column address_country: unknown country") for p in problems)
    assert any("line 2, column created_at" in p and "day_first" in p for p in problems)
    with pytest.raises(LoadError, match="has no timezone"):
        read_lead_file(write(tmp_path, "h.csv", HUBSPOT_EN))


def test_leadkit_layout_stays_strict_about_unknown_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "own.csv", "id,family_name,company,created_at,colour\n"
                 "l-1,Smith,Acme,2026-04-01T09:00:00Z,blue\n")  # fmt: skip
    with pytest.raises(LoadError, match="column colour: unknown column"):
        read_lead_file(path)
    ignored = read_lead_file(path, unknown="ignore")
    assert ignored.ignored == ("colour",)
    assert ignored.header_map is None


def test_json_and_json_lines_lead_files(tmp_path: Path) -> None:
    records = [
        {"Record ID": 301, "First name": "Ann", "Last name": "Lee", "Company name": "Acme",
         "Create date": "2026-04-01T09:00:00Z", "Number of employees": 1200.0},
        {"Record ID": 302, "Last name": "Kim", "Company name": "Acme",
         "Create date": "2026-04-02T09:00:00Z"},
    ]  # fmt: skip
    as_json = read_lead_file(write(tmp_path, "c.json", json.dumps(records)))
    as_lines = read_lead_file(
        write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    )
    assert as_json.leads == as_lines.leads
    assert [lead.id for lead in as_json.leads] == ["301", "302"]
    assert as_json.leads[0].employees == 1200
    own = [{"id": "l-1", "name": {"family": "山田"}, "company": "ABC",
            "created_at": "2026-04-01T09:00:00+09:00", "custom": {"seats": 20}}]  # fmt: skip
    (lead,) = read_lead_file(write(tmp_path, "own.json", json.dumps(own))).leads
    assert (lead.name.family, lead.custom["seats"]) == ("山田", 20)
    bad = [{"family_name": "A", "company": "A", "created_at": "yesterday"}]
    with pytest.raises(LoadError, match="record 1, column created_at"):
        read_lead_file(write(tmp_path, "bad.json", json.dumps(bad)))


def test_detection_prefers_the_map_that_knows_most_headers() -> None:
    assert detect_header_map(["Record ID", "Lifecycle stage", "Last name"]).name == "hubspot"  # type: ignore[union-attr]
    assert detect_header_map(["Lead ID", "Last Name", "Company"]).name == "salesforce"  # type: ignore[union-attr]
    assert detect_header_map(["id", "family_name", "company", "Email"]) is None


def test_numbers_as_exports_write_them() -> None:
    """The amounts of issue 15: 1,200, １，２００名, ¥3,000,000, 3億円."""
    assert parse_integer("1,200") == parse_integer("１，２００名") == 1200
    assert parse_amount("¥3,000,000") == (Decimal(3_000_000), "JPY")
    assert parse_amount("3億円") == (Decimal(300_000_000), "JPY")
    assert parse_amount("3億5000万円") == (Decimal(350_000_000), "JPY")
    for ambiguous in ("1.200,50", "3M", "12,00"):
        with pytest.raises(ValidationError):
            parse_amount(ambiguous)


def test_countries_by_english_and_japanese_name() -> None:
    names = {"Japan": "JP", "日本": "JP", "United States": "US", "USA": "US", "米国": "US",
             "アメリカ": "US", "UK": "GB", "韓国": "KR", "jp": "JP"}  # fmt: skip
    assert {name: country_code(name) for name in names} == names
    assert country_code("Atlantis") is None


def test_day_first_decides_slash_dates() -> None:
    tokyo = "Asia/Tokyo"
    month = parse_datetime("4/1/2026 9:00 AM", ValueFormat(day_first=False, timezone=tokyo))
    day = parse_datetime("4/1/2026 9:00 AM", ValueFormat(day_first=True, timezone=tokyo))
    assert (month.month, month.day, day.month, day.day) == (4, 1, 1, 4)
    with pytest.raises(ValidationError, match="day_first"):
        parse_datetime("4/1/2026 9:00 AM", ValueFormat(timezone=tokyo))
    # dateutil would swap an impossible order silently; the order given is kept.
    with pytest.raises(ValidationError, match="not a date when read month first"):
        parse_datetime("31/12/2026", ValueFormat(day_first=False, timezone=tokyo))
    with pytest.raises(ValidationError, match="not a date when read day first"):
        parse_datetime("12/31/2026", ValueFormat(day_first=True, timezone=tokyo))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_and_full_width_integers_read_back(value: int) -> None:
    grouped = f"{value:,}"
    full_width = grouped.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    assert parse_integer(grouped) == parse_integer(full_width + "名") == value


@settings(max_examples=40, deadline=None)
@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)))
def test_us_and_japanese_spellings_name_the_same_moment(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    fmt = ValueFormat(day_first=False, timezone="Asia/Tokyo")
    hour = moment.hour % 12 or 12
    us = f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d} " + (
        "AM" if moment.hour < 12 else "PM"
    )
    ja = f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}時{moment.minute}分"
    assert parse_datetime(us, fmt) == parse_datetime(ja, fmt) == moment.replace(tzinfo=fmt.timezone)


# Each map's labels for the columns below, as the CRM's documentation names them.
LAYOUTS = {
    "salesforce": ("Lead ID", "Last Name", "First Name", "Company", "No. of Employees",
                   "Country", "Created Date"),
    "salesforce-ja": ("リード ID", "姓", "名", "会社名", "従業員数", "国", "作成日"),
    "hubspot": ("Record ID", "Last name", "First name", "Company name",
                "Number of employees", "Country/Region", "Create date"),
    "japanese": ("リードID", "姓", "名", "会社名", "従業員数", "国", "作成日時"),
}  # fmt: skip
COUNTRY_NAMES = {"JP": ("Japan", "日本"), "US": ("United States", "米国"), "GB": ("UK", "英国")}
TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz山田佐藤株式会社", min_size=1, max_size=12)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(max_examples=15, deadline=None)
@given(
    rows=st.lists(
        st.tuples(TEXT, TEXT, TEXT, st.integers(0, 10**6), st.sampled_from(sorted(COUNTRY_NAMES)),
                  st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1))),
        min_size=1, max_size=4,
    ),
    japanese=st.booleans(),
)  # fmt: skip
def test_leads_written_in_a_crm_layout_read_back(
    tmp_path_factory: pytest.TempPathFactory,
    layout: str,
    rows: list[tuple[str, str, str, int, str, datetime]],
    japanese: bool,
) -> None:
    """A file written in each map's documented layout (US dates for the English
    exports, year-first for the Japanese ones) gives back every value written."""
    english = layout in ("salesforce", "hubspot")
    fmt = ValueFormat(day_first=False, timezone="Asia/Tokyo")
    lines = [",".join(LAYOUTS[layout])]
    for number, (family, given_name, company, employees, country, moment) in enumerate(rows):
        moment = moment.replace(second=0, microsecond=0)
        when = (
            moment.strftime("%m/%d/%Y %I:%M %p") if english else moment.strftime("%Y/%m/%d %H:%M")
        )
        lines.append(
            f'id-{number},{family},{given_name},{company},"{employees:,}",'
            f"{COUNTRY_NAMES[country][japanese]},{when}"
        )
    path = tmp_path_factory.mktemp("layout") / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file = read_lead_file(path, values=fmt)
    assert file.header_map is not None
    assert file.ignored == ()
    got = [
        (lead.name.family, lead.name.given, lead.company, lead.employees,
         lead.address.country, lead.created_at)
        for lead in file.leads
    ]  # fmt: skip
    want = [
        (f, g, c, e, country, m.replace(second=0, microsecond=0, tzinfo=fmt.timezone))
        for f, g, c, e, country, m in rows
    ]
    assert got == want
    assert [lead.id for lead in file.leads] == [f"id-{n}" for n in range(len(rows))]


def test_the_intake_form_reads_counts_with_the_same_parser() -> None:
    """Issue 15: one parser for numbers, shared by file readers and the intake form."""
    from leadkit.intake import IntakeForm
    from leadkit.intake._form import read_form

    form = IntakeForm(fields={"会社名": "company", "姓": "name.family", "従業員数": "employees"})
    as_of = datetime(2026, 4, 1, tzinfo=UTC)
    for cell in ("１，２００名", "1,200", "1200人"):
        lead, _, problems = read_form(
            {"会社名": "ABC", "姓": "山田", "従業員数": cell}, form, as_of=as_of
        )
        assert problems == []
        assert lead is not None
        assert lead.employees == parse_integer(cell) == 1200
    lead, _, problems = read_form(
        {"会社名": "ABC", "姓": "山田", "従業員数": "-5"}, form, as_of=as_of
    )
    assert lead is None
    assert [str(p.path[0]) for p in problems] == ["従業員数"]
