"""Tables: alignment with wide characters, CSV, records, HTML, optional pandas."""

from __future__ import annotations

import csv
import importlib
import io
import re
from datetime import date

import pytest

from leadkit._optional import require
from leadkit.errors import MissingDependencyError, MissingExtraError
from leadkit.model import Money
from leadkit.reports import Percent, Table, display_width
from leadkit.reports._report import ReportMixin


def test_wide_characters_align_columns() -> None:
    table = Table(("名前", "n"), [("山田太郎", 1), ("Bob", 22)])
    lines = table.to_text().splitlines()
    # 山田太郎 takes eight terminal columns, so every line is 8 + 2 + 2 wide.
    assert [display_width(line) for line in lines] == [12, 12, 12, 12]
    assert lines[2] == "山田太郎   1"
    assert lines[3] == "Bob       22"


def test_text_cells_align_left_and_numbers_right_in_text_and_html() -> None:
    """issue 15 "Notebooks and pictures": text left, numbers right; Jupyter's CSS
    right-aligns every cell without a style, so HTML states both alignments."""
    table = Table(
        ("source", "leads", "rate", "first", "note"),
        [
            ("展示会", 120, Percent(0.25), date(2026, 4, 1), None),
            ("Web", 8, None, date(2026, 4, 12), "多い"),
        ],
    )
    lines = table.to_text().splitlines()
    assert lines[0] == "source  leads   rate  first       note"
    assert lines[2] == "展示会    120  25.0%  2026-04-01"
    assert lines[3] == "Web         8         2026-04-12  多い"
    html = table.to_html()
    aligned = re.findall(r'<t([dh]) style="text-align: (left|right)">', html)
    assert len(aligned) == 5 * 3  # every heading and cell says how it is aligned
    header = [side for kind, side in aligned if kind == "h"]
    assert header == ["left", "right", "right", "left", "left"]


def test_rows_must_match_columns() -> None:
    with pytest.raises(ValueError, match="row 2 has 1 cells"):
        Table(("a", "b"), [(1, 2), (3,)])


def test_cells_render_by_type() -> None:
    table = Table(
        ("money", "rate", "day", "none", "list"),
        [(Money(1234567, "JPY"), Percent(0.125), date(2026, 4, 1), None, (Money(1, "USD"),))],
    )
    assert "1,234,567 JPY" in table.to_text()
    assert "12.5%" in table.to_text()
    (record,) = table.to_records()
    assert record == {
        "money": {"amount": "1234567", "currency": "JPY"},
        "rate": 0.125,
        "day": "2026-04-01",
        "none": None,
        "list": [{"amount": "1", "currency": "USD"}],
    }
    row = next(iter(csv.DictReader(io.StringIO(table.to_csv()))))
    assert row["money"] == "1234567 JPY"
    assert row["none"] == ""


def test_html_is_escaped() -> None:
    html = Table(("x",), [("<b>&",)], title="T<")._repr_html_()
    assert "&lt;b&gt;&amp;" in html
    assert "<caption>T&lt;</caption>" in html


def test_missing_extra_names_the_install_command() -> None:
    with pytest.raises(MissingDependencyError, match=r"pip install 'leadkit\[plot\]'") as raised:
        require("leadkit_no_such_module", "plot")
    assert raised.value.extra == "plot"
    assert raised.value.code == "missing_dependency"
    assert MissingExtraError is MissingDependencyError  # the former name still catches it


def test_dataframe_when_pandas_is_installed() -> None:
    pd = pytest.importorskip("pandas")

    class One(ReportMixin):
        def table(self) -> Table:
            return Table(("a", "b"), [(1, "x"), (2, "y")])

    frame = One().to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["a", "b"]
    assert frame["a"].tolist() == [1, 2]


def test_cells_with_line_breaks_span_lines() -> None:
    text = Table(("id", "why"), [("a", "first\nsecond line"), ("b", "one")]).to_text()
    assert text.splitlines() == [
        "id  why",
        "--  -----------",
        "a   first",
        "    second line",
        "b   one",
    ]


def test_plot_funnel_draws_bars_or_names_the_extra() -> None:
    from leadkit.reports import plot_funnel

    stages = [("Inquiry", 2000), ("MQL", 420), ("SQL", 90)]
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        with pytest.raises(MissingDependencyError, match=r"leadkit\[plot\]"):
            plot_funnel(stages)
        return
    matplotlib.use("Agg")
    ax = plot_funnel(stages, title="Sample")
    assert [bar.get_width() for bar in ax.patches] == [90, 420, 2000]
    assert ax.get_title() == "Sample"


def test_every_report_has_a_one_line_repr() -> None:
    """issue 15 "Notebooks and pictures": reprs of reports are short and useful."""
    from leadkit.model import Lead, PersonName
    from leadkit.reports import pipeline, source_effectiveness, team_performance
    from tests.reports._support import AT

    leads = [
        Lead(
            id=f"L{i}", name=PersonName("佐藤"), company="ABC", lead_source="展示会", created_at=AT
        )
        for i in range(500)
    ]
    for report in (
        source_effectiveness(leads),
        pipeline(leads),
        team_performance(leads, as_of=AT),
    ):
        text = repr(report)
        assert "\n" not in text
        assert len(text) < 120
        assert text.startswith(f"<{type(report).__name__} ")
        assert text.endswith(f": {len(report.table().rows):,} row(s)>")
