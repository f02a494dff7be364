"""``leadkit import`` (issue 20): a leads file into a SQLite database, its campaign column
turned into responded memberships, rows checked against a field schema (docs/cli.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from leadkit.model import Campaign
from leadkit.repository import SqliteUnitOfWork
from tests.cli._run import leadkit

ROWS = (
    "会社名,姓,作成日,キャンペーン,業種\n"
    "ABC,山田,2026-04-01,展示会 2026,製造業\n"
    "DEF,佐藤,2026-04-02,,IT\n"
)
SCHEMA = '[picklists]\nindustry = [{ value = "Manufacturing", ja = "製造業" }, "IT"]\n'


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "crm.sqlite3"
    with SqliteUnitOfWork(db) as uow:
        uow.campaigns.add(Campaign(id="expo", name="展示会 2026"))
        uow.commit()
    return db


def test_import_stores_the_leads_and_their_campaign_responses(tmp_path: Path) -> None:
    db = _database(tmp_path)
    (tmp_path / "leads.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "fields.toml").write_text(SCHEMA, encoding="utf-8")
    result = leadkit("import", "--leads", "leads.csv", "--db", db, "--timezone", "Asia/Tokyo",
                     "--fields", "fields.toml", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "2 leads imported into crm.sqlite3; 1 campaign responses recorded" in result.stdout
    with SqliteUnitOfWork(db) as uow:
        leads = {lead.company: lead for lead in uow.leads.all()}
        members = uow.campaign_members.by_campaign("expo")
    assert leads["ABC"].industry == "Manufacturing"  # the label read as its value
    assert [(m.lead_id, m.responded, m.first_responded_at) for m in members] == [
        (leads["ABC"].id, True, date(2026, 4, 1))
    ]


def test_a_row_outside_the_schema_stores_nothing(tmp_path: Path) -> None:
    db = _database(tmp_path)
    (tmp_path / "leads.csv").write_text(ROWS.replace(",IT\n", ",農業\n"), encoding="utf-8")
    (tmp_path / "fields.toml").write_text(SCHEMA, encoding="utf-8")
    result = leadkit("import", "--leads", "leads.csv", "--db", db, "--timezone", "Asia/Tokyo",
                     "--fields", "fields.toml", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert "line 3, column 業種: '農業' is not in the picklist" in result.stderr
    with SqliteUnitOfWork(db) as uow:
        assert len(uow.leads) == 0
