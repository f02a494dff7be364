"""Regression tests for the classes of issue 21 that had none of their own yet.

Each test names the class of the issue it pins ("Time zones", "Smaller, but users would
trip on them"); the other classes are pinned in the modules listed in
``changelog.d/harden21.md``.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from leadkit.cli import main
from leadkit.errors import LoadError, format_path
from leadkit.io import read_csv, write_csv
from leadkit.model import EngagementEvent, Lead, PersonName
from leadkit.scoring import load_scoring_model

SAMPLE = files("leadkit.sample") / "data"


def _run(*argv: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main([*map(str, argv), "--quiet"], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Five sample leads, the users and the two example rule files (read only)."""
    tmp_path = tmp_path_factory.mktemp("inputs")
    lines = (SAMPLE / "leads.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "leads.csv").write_text("".join(lines[:6]), encoding="utf-8")
    (tmp_path / "users.csv").write_bytes((SAMPLE / "users.csv").read_bytes())
    assert _run("sample", "--out", tmp_path / "rules")[0] == 0
    return {
        "leads": tmp_path / "leads.csv",
        "users": tmp_path / "users.csv",
        "policy": tmp_path / "rules" / "stage_policy.toml",
        "rules": tmp_path / "rules" / "routing.toml",
    }


def _commands(files: dict[str, Path]) -> dict[str, list[object]]:
    leads = ["--leads", files["leads"]]
    return {
        "score": ["score", "--model", "japanese-b2b", *leads],
        "grade": ["grade", "--profile", "default", *leads],
        "funnel": ["funnel", "--policy", files["policy"], "--model", "japanese-b2b", *leads],
        "route": ["route", "--rules", files["rules"], "--users", files["users"], *leads],
    }


# -- "Time zones": --as-of near 9999-12-31, windows before year 200 --------------------------


@pytest.mark.parametrize("command", ["score", "grade", "funnel", "route"])
@pytest.mark.parametrize("when", ["9999-12-31", "9999-12-31T23:59:59+14:00", "0001-01-01"])
def test_as_of_past_the_calendar_is_exit_1_with_a_message(
    inputs: dict[str, Path], command: str, when: str
) -> None:
    status, _, errors = _run(*_commands(inputs)[command], "--as-of", when)
    assert status == 1
    assert errors.startswith("leadkit: error: as_of: as_of must lie between 0001-01-02")
    assert "Traceback" not in errors


@pytest.mark.parametrize("command", ["score", "grade", "funnel", "route"])
@pytest.mark.parametrize("when", ["9999-12-30T23:00+00:00", "0001-01-02", "0150-06-01"])
def test_as_of_at_the_ends_of_the_calendar_still_runs(
    inputs: dict[str, Path], command: str, when: str
) -> None:
    status, _, errors = _run(*_commands(inputs)[command], "--as-of", when)
    assert status == 0, errors
    # Warnings (the funnel's "nothing can qualify as of then") are fine; errors are not.
    assert all(line.startswith(("warning: ", "note: ")) for line in errors.splitlines())


def test_a_window_reaching_back_before_year_1_holds_every_event_since() -> None:
    """Period docs: "A window that would begin before year 1 begins at the calendar's
    first instant" (leadkit.rules.Period); 100 years back from year 60 overflowed."""
    model = load_scoring_model(
        {
            "name": "century",
            "rules": [
                {"name": "years", "events": ["page_view"], "points": 5, "within": {"years": 100}},
                {"name": "weeks", "events": ["page_view"], "points": 1, "within": {"weeks": 5200}},
            ],
        }
    )
    first = datetime(1, 1, 2, tzinfo=UTC)
    lead = Lead(id="l-1", name=PersonName("佐藤"), company="ABC", created_at=first)
    seen = EngagementEvent(id="e-1", kind="page_view", lead_id="l-1", occurred_at=first)
    assert model.score(lead, [seen], as_of=datetime(60, 6, 1, tzinfo=UTC)).total == 5 + 1
    assert model.score(lead, [seen], as_of=datetime(150, 6, 1, tzinfo=UTC)).total == 0


# -- "Smaller": --encoding, outputs checked first, Decimal scale, 4,300 digits ---------------


def test_score_and_grade_honour_encoding_and_never_hint_the_option_given(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    """Issue 21: score and grade ignored --encoding; the hint repeated it."""
    text = inputs["leads"].read_text(encoding="utf-8")
    sjis = tmp_path / "excel.csv"
    sjis.write_bytes(text.encode("cp932", errors="replace"))
    for command in ("score", "grade"):
        argv = _commands({**inputs, "leads": sjis})[command]
        status, out, errors = _run(*argv, "--encoding", "cp932", "--as-of", "2026-04-01")
        assert (status, errors) == (0, ""), errors
        assert "株式会社" in out
        # Without --encoding the readers detect Excel's Shift_JIS (issue 15).
        status, out, errors = _run(*argv, "--as-of", "2026-04-01")
        assert status == 0, errors
        assert "株式会社" in out
        argv = _commands(inputs)[command]  # UTF-8 given as cp932: no "add --encoding cp932"
        status, _, errors = _run(*argv, "--encoding", "cp932", "--as-of", "2026-04-01")
        assert status == 1
        assert "not cp932 text" in errors
        assert "add --encoding cp932" not in errors


def test_sample_out_never_overwrites_a_users_files_without_force(tmp_path: Path) -> None:
    mine = tmp_path / "data" / "leads.csv"
    mine.parent.mkdir()
    mine.write_text("my own leads", encoding="utf-8")
    status, _, errors = _run("sample", "--out", mine.parent)
    assert status == 1
    assert "exists" in errors
    assert "--force" in errors
    assert mine.read_text(encoding="utf-8") == "my own leads"
    assert sorted(p.name for p in mine.parent.iterdir()) == ["leads.csv"]  # nothing written
    assert _run("sample", "--out", mine.parent, "--force")[0] == 0
    assert mine.read_text(encoding="utf-8") != "my own leads"


def test_demo_export_to_a_file_is_refused_before_the_demo_runs(tmp_path: Path) -> None:
    """Issue 21: ``demo --export FILE`` failed with a traceback after the whole demo."""
    target = tmp_path / "export.csv"
    target.write_text("keep", encoding="utf-8")
    status, out, errors = _run("demo", "--export", target)
    assert status == 1
    assert out == ""  # no report printed: refused before the work
    assert "is a file, not a folder" in errors
    assert target.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("amount", ["5", "5.0", "5.00", "-0.10", "1500000"])
def test_decimals_keep_their_scale_through_csv(amount: str) -> None:
    """Issue 21: an integral Decimal changed scale through CSV (``5`` became ``5.0``)."""
    lead = Lead(
        id="l-1", name=PersonName("佐藤"), company="ABC",
        created_at=datetime(2026, 4, 1, tzinfo=UTC), custom={"budget": Decimal(amount)},
    )  # fmt: skip
    out = io.StringIO()
    write_csv([lead], out, Lead)
    (back,) = read_csv(io.StringIO(out.getvalue()), Lead)
    value = back.custom["budget"]
    assert isinstance(value, Decimal)
    assert value.as_tuple() == Decimal(amount).as_tuple()


@pytest.mark.parametrize("column", ["employees", "custom.seats"])
def test_numbers_past_the_digit_limit_in_a_csv_cell_are_a_load_error_at_the_cell(
    column: str,
) -> None:
    """Issue 21: numbers longer than Python's 4,300-digit limit raised ValueError."""
    header = "id,family_name,company,created_at," + column
    row = "l-1,佐藤,ABC,2026-04-01T09:00:00+09:00," + "9" * 5_000
    with pytest.raises(LoadError) as raised:
        read_csv(io.StringIO(f"{header}\n{row}\n"), Lead)
    (problem,) = raised.value.problems
    assert format_path(problem.path) == f"line 2, column {column}"
    assert len(str(raised.value)) < 1_000  # the message does not repeat 5,000 digits
