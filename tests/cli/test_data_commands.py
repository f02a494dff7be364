"""dedupe, route, funnel and attribution on small CSV files, good and malformed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from leadkit.cli._examples import example_text
from tests.cli._run import leadkit

# Japanese CRM export headers; 山田 and ﾔﾏﾀﾞ's rows are one person (same e-mail).
LEADS_JA = """\
id,姓,名,会社名,メールアドレス,従業員数,都道府県,国,リードソース,作成日時
l-1,山田,太郎,株式会社サンプル,taro@sample.co.jp,1200,東京都,JP,展示会,2026-03-01T09:00:00+09:00
l-2,鈴木,花子,テスト商事株式会社,hanako@test.co.jp,40,大阪府,JP,Web,2026-03-02T09:00:00+09:00
l-3,山田,太郎,サンプル(株),TARO@sample.co.jp,1200,東京,JP,Webフォーム,2026-03-03T09:00:00+09:00
l-4,Smith,Ann,Acme Inc.,ann@acme.com,300,CA,US,Web,2026-03-04T09:00:00-08:00
"""

USERS = """\
id,name,territories
user-sato,佐藤 健,関東
user-tanaka,田中 美咲,関東;中部
user-yamamoto,山本 大輔,近畿
user-kobayashi,小林 由美,東北
user-smith,John Smith,US-West
user-lee,Karen Lee,US-Central
user-garcia,Maria Garcia,US-East
"""

EVENTS = """\
id,kind,occurred_at,lead_id
e-1,demo_request,2026-03-20T10:00:00+09:00,l-2
e-2,page_view,2026-03-21T10:00:00+09:00,l-1
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dedupe_reads_japanese_headers_and_groups_one_person(tmp_path: Path) -> None:
    leads = write(tmp_path, "リード.csv", LEADS_JA)
    result = leadkit("dedupe", "--leads", leads, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 groups of duplicates among 4 leads" in result.stdout
    as_json = leadkit("dedupe", "--leads", leads, "--format", "json", "--explain", cwd=tmp_path)
    (group,) = json.loads(as_json.stdout)
    assert (group["keep"], group["duplicates"]) == ("l-1", "l-3")
    assert "email" in group["evidence"]


def test_malformed_rows_are_reported_with_line_and_column(tmp_path: Path) -> None:
    bad = LEADS_JA.replace(",1200,東京都,", ",many,東京都,").replace(
        "2026-03-04T09:00:00-08:00", "yesterday"
    )
    leads = write(tmp_path, "bad.csv", bad)
    result = leadkit("dedupe", "--leads", leads, cwd=tmp_path)
    assert result.returncode == 1
    assert "2 problem(s) in bad.csv" in result.stderr
    assert "line 2, column employees" in result.stderr
    assert "line 5, column created_at" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_headers_are_noted_or_errors_and_short_rows_are_errors(tmp_path: Path) -> None:
    """A Japanese CRM export's unknown column is left out with a note (issue 15), or
    fails the file with --unknown error; a short row is never skipped."""
    unknown = write(tmp_path, "u.csv", LEADS_JA.replace("従業員数", "社員数"))
    noted = leadkit("dedupe", "--leads", unknown, cwd=tmp_path)
    assert noted.returncode == 0, noted.stderr
    assert "ignored 1 column(s): 社員数" in noted.stderr
    result = leadkit("dedupe", "--leads", unknown, "--unknown", "error", cwd=tmp_path)
    assert result.returncode == 1
    assert "社員数" in result.stderr
    short = write(tmp_path, "s.csv", LEADS_JA + "l-5,佐藤\n")
    result = leadkit("dedupe", "--leads", short, cwd=tmp_path)
    assert result.returncode == 1
    assert "line 6" in result.stderr
    assert "found 2" in result.stderr


def test_a_header_mapping_file_maps_other_names(tmp_path: Path) -> None:
    leads = write(tmp_path, "u.csv", LEADS_JA.replace("従業員数", "社員数"))
    mapping = write(tmp_path, "headers.toml", '"社員数" = "employees"\n')
    result = leadkit("dedupe", "--leads", leads, "--headers", mapping, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    bad_mapping = write(tmp_path, "bad.toml", '"社員数" = 3\n')
    result = leadkit("dedupe", "--leads", leads, "--headers", bad_mapping, cwd=tmp_path)
    assert result.returncode == 1
    assert f"{bad_mapping}: 社員数" in result.stderr


def test_shift_jis_files_are_detected_and_encoding_forces(tmp_path: Path) -> None:
    """Excel saves Japanese CSV as cp932: detected; --encoding utf-8 forces UTF-8."""
    leads = tmp_path / "excel.csv"
    leads.write_bytes(LEADS_JA.encode("cp932"))
    detected = leadkit("dedupe", "--leads", leads, cwd=tmp_path)
    assert detected.returncode == 0, detected.stderr
    assert "株式会社サンプル" in detected.stdout
    forced = leadkit("dedupe", "--leads", leads, "--encoding", "utf-8", cwd=tmp_path)
    assert forced.returncode == 1
    assert "not UTF-8 text" in forced.stderr
    assert "--encoding cp932" in forced.stderr


def test_missing_input_file_and_bad_as_of(tmp_path: Path) -> None:
    missing = leadkit("dedupe", "--leads", "nope.csv", cwd=tmp_path)
    assert missing.returncode == 1
    assert "nope.csv: no such file" in missing.stderr
    leads = write(tmp_path, "l.csv", LEADS_JA)
    policy = write(tmp_path, "policy.toml", example_text("stage_policy.toml"))
    naive = leadkit(
        "funnel", "--policy", policy, "--leads", leads, "--as-of", "2026-04-01T09:00", cwd=tmp_path
    )
    assert naive.returncode == 2
    assert "has no timezone" in naive.stderr


def test_route_assigns_by_region_and_explains(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    users = write(tmp_path, "users.csv", USERS)
    rules = write(tmp_path, "routing.toml", example_text("routing.toml"))
    args = ("route", "--rules", rules, "--users", users, "--leads", leads, "--as-of", "2026-04-01")
    result = leadkit(*args, "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    owners = {row["lead"]: row["owner"] for row in csv.DictReader(io.StringIO(result.stdout))}
    # 東京 goes round robin between 佐藤 and 田中; 大阪 to 山本; California to Smith.
    assert owners == {
        "l-1": "user:user-sato",
        "l-2": "user:user-yamamoto",
        "l-3": "user:user-tanaka",
        "l-4": "user:user-smith",
    }
    explained = leadkit(*args, "--explain", cwd=tmp_path)
    assert "#1 '関東 (Kanto)' did not match" in explained.stdout


def test_route_with_a_broken_rule_file_names_the_entry(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    users = write(tmp_path, "users.csv", USERS)
    rules = write(
        tmp_path, "r.toml", example_text("routing.toml").replace('"address.region"', '"region"', 1)
    )
    result = leadkit("route", "--rules", rules, "--users", users, "--leads", leads, cwd=tmp_path)
    assert result.returncode == 1
    assert "entries[0].when" in result.stderr


def test_funnel_counts_stages_per_source(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    events = write(tmp_path, "e.csv", EVENTS)
    policy = write(tmp_path, "policy.toml", example_text("stage_policy.toml"))
    result = leadkit(
        "funnel", "--policy", policy, "--leads", leads, "--events", events,
        "--as-of", "2026-04-01", "--by", "source", "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reached = {(r["group"], r["stage"]): r["reached"] for r in json.loads(result.stdout)}
    # l-2 asked for a demo within 90 days: an MQL under the example policy.
    assert reached[("Web", "MQL")] == 1
    # Webフォーム is the Japanese label of Web, 展示会 of Trade Show.
    assert reached[("Web", "Inquiry")] == 3
    assert reached[("Trade Show", "Inquiry")] == 1


def test_output_file_format_follows_its_extension(tmp_path: Path) -> None:
    leads = write(tmp_path, "l.csv", LEADS_JA)
    ok = leadkit("dedupe", "--leads", leads, "--out", tmp_path / "d.json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))[0]["keep"] == "l-1"
    bad = leadkit("dedupe", "--leads", leads, "--out", tmp_path / "d.xlsx", cwd=tmp_path)
    assert bad.returncode == 1
    assert "name the output file .csv, .json or .txt" in bad.stderr


OPPORTUNITIES = """\
id,name,account_id,close_date,amount,amount_currency,is_closed,is_won,created_at
o-1,Sample deal,a-1,2026-06-30,3000000,JPY,true,true,2026-05-01T00:00:00+09:00
o-2,Open deal,a-2,2026-07-31,500000,JPY,false,false,2026-05-01T00:00:00+09:00
"""
CONVERTED = (
    "id,family_name,company,lead_source,status,created_at,converted_at,converted_status,"
    "converted_account_id,converted_contact_id,converted_opportunity_id\n"
    "l-1,山田,サンプル,展示会,Closed - Converted,2026-03-01T00:00:00+09:00,"
    "2026-05-01T00:00:00+09:00,Closed - Converted,a-1,c-1,o-1\n"
)
MEMBERS = """\
id,campaign_id,lead_id,contact_id,responded,first_responded_at,created_at
m-1,expo,l-1,,true,2026-03-10,2026-03-01T00:00:00+09:00
m-2,webinar,,c-1,true,2026-05-20,2026-05-01T00:00:00+09:00
m-3,news,l-1,,false,,2026-03-01T00:00:00+09:00
"""


def test_attribution_credits_campaigns_of_won_deals(tmp_path: Path) -> None:
    opportunities = write(tmp_path, "o.csv", OPPORTUNITIES)
    members = write(tmp_path, "m.csv", MEMBERS)
    leads = write(tmp_path, "l.csv", CONVERTED)
    args = ("attribution", "--opportunities", opportunities, "--members", members, "--leads", leads)
    result = leadkit(*args, "--model", "first-touch", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [(r["campaign"], r["deals"]) for r in json.loads(result.stdout)] == [("expo", "1")]
    even = leadkit(*args, "--by", "credit", "--format", "json", cwd=tmp_path)
    credits = {r["campaign"]: r["amount"]["amount"] for r in json.loads(even.stdout)}
    assert credits == {"expo": "1500000", "webinar": "1500000"}
    wrong = leadkit(*args, "--model", "linear", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "expected one of first_touch" in wrong.stderr


def test_funnel_in_japanese_merges_spellings_of_a_source(tmp_path: Path) -> None:
    """docs/cli.md: ``--locale ja`` writes the funnel's headings and source names in
    Japanese; 展示会 and Trade Show are one source (the source catalogue)."""
    from leadkit.cli import main

    leads = write(tmp_path, "l.csv", LEADS_JA.replace(",Web,2026-03-04", ",Trade Show,2026-03-04"))
    policy = write(tmp_path, "policy.toml", example_text("stage_policy.toml"))
    out = io.StringIO()
    code = main(
        ["funnel", "--policy", str(policy), "--leads", str(leads), "--as-of", "2026-04-01",
         "--by", "source", "--locale", "ja"],
        stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("リードソース別ファネル（4件")
    assert lines[1].split()[:4] == ["グループ", "経路", "ステージ", "到達"]
    inquiries = {line.split()[0]: line.split()[3] for line in lines[3:] if " Inquiry " in line}
    assert inquiries == {"展示会": "2", "Webフォーム": "2"}


def test_score_explains_in_japanese(tmp_path: Path) -> None:
    """Issue 15: a Japanese sales team reads 「資料請求 +20（3回）」, not English framing."""
    from leadkit.cli import main

    leads = write(tmp_path, "l.csv", LEADS_JA)
    events = write(tmp_path, "e.csv", EVENTS)
    out = io.StringIO()
    code = main(
        ["score", "--model", "japanese-b2b", "--leads", str(leads), "--events", str(events),
         "--as-of", "2026-04-01", "--explain", "--locale", "ja"],
        stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    assert code == 0
    text = out.getvalue()
    assert text.splitlines()[1].split()[:4] == ["リード", "氏名", "会社名", "スコア"]
    assert "デモ依頼 +" in text
    assert "（1回）" in text
