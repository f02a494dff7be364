"""The summary states the counts a reader looks for; ``python -m leadkit`` prints it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from leadkit.__main__ import main
from leadkit.errors import ValidationError
from leadkit.model import DEFAULT_SOURCES
from leadkit.sample import generate, load_sample, summary

SRC = Path(__file__).resolve().parents[2] / "src"


def _line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(label))


def test_the_summary_states_the_key_counts() -> None:
    data = generate(400, seed=4, events_per_lead=5)
    text = summary(data)
    assert f"{len(data.leads):,d} leads" in text
    assert f"{len(data.events):,d} engagement events" in text
    assert f"{len(data.duplicates):,d} deliberate duplicate groups" in text
    assert f"{len(data.accounts):,d} accounts with {len(data.contacts):,d} contacts" in text
    statuses = Counter(lead.status for lead in data.leads)
    for status, count in statuses.items():
        assert _line(text, status).split()[-1] == f"{count:,d}"
    kinds = Counter(event.kind for event in data.events)
    for kind, count in kinds.items():
        assert _line(text, kind).split()[-1] == f"{count:,d}"


def test_japanese_source_labels_count_with_their_source() -> None:
    data = generate(400, seed=4, events_per_lead=1)
    trade_show = DEFAULT_SOURCES.find("Trade Show")
    assert trade_show is not None
    expected = sum(lead.lead_source in ("Trade Show", "展示会") for lead in data.leads)
    assert expected > sum(lead.lead_source == "Trade Show" for lead in data.leads)
    assert _line(summary(data), "Trade Show").split()[-1] == f"{expected:,d}"


def test_long_lists_end_with_the_rest_added_up() -> None:
    data = load_sample()
    text = summary(data, top=3)
    industries = text.split("Leads by industry\n")[1].split("Leads by owner")[0].splitlines()
    assert len(industries) == 4
    assert sum(int(line.split()[-1].replace(",", "")) for line in industries) == len(data.leads)


def test_summary_wants_sample_data() -> None:
    with pytest.raises(ValidationError, match="expected SampleData"):
        summary(object())  # type: ignore[arg-type]


def test_main_prints_the_summary_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("leadkit ")
    assert summary(load_sample()) in out


def test_python_m_leadkit_runs() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-m", "leadkit"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "leadkit sample data" in result.stdout
    assert "2,000 leads" in result.stdout
    assert "deliberate duplicate groups" in result.stdout
