"""``leadkit validate`` warns about event kinds no event can have (issue 15: a typo such
as ``demo_requets`` scores 0 forever, and nothing said so)."""

from __future__ import annotations

from pathlib import Path

from leadkit.cli._validate import event_kind_warnings
from leadkit.errors import format_path
from leadkit.io import load_data
from tests.cli._run import leadkit

TYPO_MODEL = """\
schema = 1
name = "typos"
version = "1"

[[rules]]
name = "demo"
events = ["demo_requets"]
points = 30

[[rules]]
name = "busy"
when = { events = ["form_sumbit", "page_view"], count = { op = ">=", value = 3 } }
points = 10

[[rules]]
name = "our own kind"
events = ["partner_referral"]
points = 5
"""

EVENTS_CSV = "id,kind,occurred_at,lead_id\r\ne-1,demo_request,2026-04-01T09:00:00+09:00,l-1\r\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_typos_of_standard_kinds_are_warned_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "model.toml", TYPO_MODEL)
    result = leadkit("validate", path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK (scoring model), 2 warning(s)" in result.stdout
    lines = result.stderr.splitlines()
    assert lines == [
        f"{path}: rules[0].events[0]: warning: no event can match 'demo_requets': it is not "
        "a standard event kind; did you mean 'demo_request'?",
        f"{path}: rules[1].when.events[0]: warning: no event can match 'form_sumbit': it is "
        "not a standard event kind; did you mean 'form_submit'?",
    ]
    assert "Traceback" not in result.stderr


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    path = write(tmp_path, "model.toml", TYPO_MODEL)
    result = leadkit("validate", path, "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "demo_requets" in result.stderr


def test_with_an_events_file_every_kind_missing_from_it_is_warned(tmp_path: Path) -> None:
    path = write(tmp_path, "model.toml", TYPO_MODEL)
    events = write(tmp_path, "events.csv", EVENTS_CSV)
    result = leadkit("validate", path, "--events", events, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3 warning(s)" in result.stdout
    assert (
        "rules[2].events[0]: warning: no event can match 'partner_referral': it is not a "
        "standard event kind nor in the events file" in result.stderr
    )
    missing = leadkit("validate", path, "--events", tmp_path / "none.csv", cwd=tmp_path)
    assert missing.returncode == 1
    assert "none.csv: no such file" in missing.stderr


def test_shipped_models_have_no_warnings() -> None:
    models = Path(__file__).resolve().parents[2] / "src" / "leadkit" / "scoring" / "models"
    for model in sorted(models.glob("*.toml")):
        assert event_kind_warnings(load_data(model)) == [], model.name


def test_declared_kinds_are_known_and_kinds_are_found_in_any_condition() -> None:
    data = {
        "event_kinds": ["demo_requets"],
        "rules": [{"events": ["demo_requets"]}],
        "mql": {"or_when": {"any": [{"events": "webniar"}]}},
    }
    (warning,) = event_kind_warnings(data)
    assert format_path(warning.path) == "mql.or_when.any[0].events"
    assert "nor in event_kinds; did you mean 'webinar'?" in warning.message
