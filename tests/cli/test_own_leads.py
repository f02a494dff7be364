"""``leadkit score`` on CRM exports: the map used is named, rows join back on their key."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli._run import leadkit

# A Salesforce lead export as a US-locale org writes it (labels: Salesforce Help, "Field
# Mapping for Importing Leads").
SALESFORCE = """\
Lead ID,First Name,Last Name,Company,Title,Lead Source,No. of Employees,Country,\
Created Date,Lead Owner,Lead Record Type
00Q1,Taro,Yamada,Sample KK,CTO,Web,"1,200",Japan,4/1/2026 9:00 AM,Jo Smith,Standard
00Q2,Ann,Lee,Acme,VP,Trade Show,300,USA,3/15/2026 2:30 PM,,Standard
00Q3,Bo,Kim,Initech,Engineer,Web,12,United States,3/16/2026 8:00 AM,,Standard
"""
EVENTS = """\
id,kind,occurred_at,lead_id
e-1,form_submit,2026-03-20T10:00:00+09:00,00Q2
e-2,page_view,2026-03-21T10:00:00+09:00,00Q1
"""
# A file without an id column of leadkit's: keyed by --key.
OWN_KEY = """\
row,family_name,company,created_at
r-9,Smith,Acme,2026-04-01T09:00:00Z
r-7,Jones,Initech,2026-04-01T09:00:00Z
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_score_names_the_map_and_joins_back_on_the_export_id(tmp_path: Path) -> None:
    leads = write(tmp_path, "export.csv", SALESFORCE)
    events = write(tmp_path, "events.csv", EVENTS)
    out = tmp_path / "scored.csv"
    result = leadkit(
        "score", "--model", "marketing-default", "--profile", "default", "--leads", leads,
        "--events", events, "--month-first", "--timezone", "Asia/Tokyo",
        "--as-of", "2026-04-02", "--out", out, "--with-input", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "read with the salesforce header map" in result.stderr
    assert "ignored 1 column(s): Lead Record Type" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    inputs = {row["Lead ID"]: row for row in csv.DictReader(io.StringIO(SALESFORCE))}
    assert sorted(row["Lead ID"] for row in rows) == sorted(inputs)
    for row in rows:
        # Every input column is written beside the results, unchanged.
        assert {h: row[h] for h in inputs[row["Lead ID"]]} == inputs[row["Lead ID"]]
        assert {"score", "grade", "priority", "stage", "owner", "why"} <= set(row)
    by_id = {row["Lead ID"]: row for row in rows}
    assert float(by_id["00Q2"]["score"]) > 0
    assert "form submission +50" in by_id["00Q2"]["why"]
    assert by_id["00Q1"]["owner"] == "user:Jo Smith"


def test_score_keys_rows_by_a_chosen_column(tmp_path: Path) -> None:
    leads = write(tmp_path, "own.csv", OWN_KEY)
    plain = leadkit("score", "--model", "marketing-default", "--leads", leads,
                    "--as-of", "2026-04-02", "--format", "csv", cwd=tmp_path)  # fmt: skip
    assert plain.returncode == 1
    assert "column row: unknown column" in plain.stderr
    result = leadkit("score", "--model", "marketing-default", "--leads", leads, "--unknown",
                     "custom", "--key", "row", "--as-of", "2026-04-02", "--format", "csv",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(row["row"] for row in rows) == ["r-7", "r-9"]
    assert {row["row"]: row["company"] for row in rows} == {"r-9": "Acme", "r-7": "Initech"}
    missing = leadkit("score", "--model", "marketing-default", "--leads", leads, "--unknown",
                      "ignore", "--key", "nope", cwd=tmp_path)  # fmt: skip
    assert missing.returncode == 2
    assert "--key 'nope' is not a column" in missing.stderr


def test_json_lead_files_by_extension(tmp_path: Path) -> None:
    leads = write(
        tmp_path, "leads.jsonl",
        '{"id": "l-1", "family_name": "Smith", "company": "Acme", '
        '"created_at": "2026-04-01T09:00:00Z"}\n',
    )  # fmt: skip
    result = leadkit("score", "--model", "marketing-default", "--leads", leads,
                     "--as-of", "2026-04-02", "--format", "json", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [row["lead"] for row in json.loads(result.stdout)] == ["l-1"]


def test_grade_keys_rows_to_a_hubspot_export(tmp_path: Path) -> None:
    """HubSpot contact export labels (HubSpot Knowledge Base, default contact properties)."""
    leads = write(
        tmp_path, "contacts.csv",
        "Record ID,First Name,Last Name,Company Name,Job Title,Create Date,Country/Region\n"
        "301,Ann,Lee,Acme,VP Sales,2026-04-01 09:00,United States\n"
        "302,Bo,Kim,Initech,Engineer,2026-04-02 10:30,日本\n",
    )  # fmt: skip
    result = leadkit("grade", "--profile", "default", "--leads", leads, "--timezone", "UTC",
                     "--format", "json", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "read with the hubspot header map" in result.stderr
    rows = json.loads(result.stdout)
    assert [(row["Record ID"], row["company"]) for row in rows] == [
        ("301", "Acme"), ("302", "Initech"),
    ]  # fmt: skip
