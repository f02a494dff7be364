"""Plots (matplotlib's Agg backend): the funnel with its rates, scores by grade, and a
font for Japanese labels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from leadkit.errors import ValidationError, format_path
from leadkit.reports import _plot as plot_module
from leadkit.reports import cjk_font, funnel, plot_funnel, plot_scores
from leadkit.scoring import Grade
from leadkit.stages import Stage, StageHistory, Transition

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

AT = datetime(2026, 4, 1, tzinfo=UTC)
S = Stage


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def _walk(lead_id: str, *stages: Stage) -> StageHistory:
    previous: Stage | None = None
    steps = []
    for day, stage in enumerate(stages, start=1):
        steps.append(Transition(previous, stage, AT.replace(day=day), "u-1", ""))
        previous = stage
    return StageHistory(lead_id, steps)


HISTORIES = [
    _walk("a", S.INQUIRY, S.MQL, S.SAL, S.SQL, S.WON),
    _walk("b", S.INQUIRY, S.MQL, S.SAL),
    _walk("c", S.INQUIRY, S.MQL),
    _walk("d", S.INQUIRY),
    _walk("e", S.SGL, S.SQL),
]


def _texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_plot_funnel_takes_a_report_and_annotates_stage_to_stage_rates() -> None:
    """docs/stages.md: the marketing path Inquiry → MQL → SAL → SQL → won; a rate is
    the share of the previous stage's leads that reached the next."""
    report = funnel(HISTORIES, as_of=AT.replace(month=6))
    ax = plot_funnel(report)
    heights = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    top_down = sorted(heights, key=lambda label: -heights[label])
    assert top_down == ["Inquiry", "MQL", "SAL", "SQL", "won"]  # first stage on top
    assert sorted(bar.get_width() for bar in ax.patches) == [1, 1, 2, 3, 4]
    assert _texts(ax) == [" 4", " 3  → 75.0%", " 2  → 66.7%", " 1  → 50.0%", " 1  → 100.0%"]
    assert ax.get_title() == report.title()
    sales = plot_funnel(report, path="sales", title="Sales")
    assert [t.get_text() for t in sales.get_yticklabels()] == ["SGL", "SQL", "won"]
    assert _texts(sales)[-1] == " 0  → 0.0%"


def test_plot_funnel_of_one_group_and_an_unknown_group() -> None:
    report = funnel(HISTORIES, by="month", as_of=AT.replace(month=6))
    ax = plot_funnel(report, group="2026-04")
    assert max(bar.get_width() for bar in ax.patches) == 4
    with pytest.raises(ValidationError) as raised:
        plot_funnel(report, group="2025-01")
    assert format_path(raised.value.path) == "group"


def test_japanese_labels_use_an_installed_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot_module, "cjk_font", lambda: "IPAexGothic")
    ax = plot_funnel([("問い合わせ", 10), ("MQL", 4)], locale="ja")
    assert ax.get_title() == "ファネル"
    assert all(t.get_fontfamily()[0] == "IPAexGothic" for t in ax.get_yticklabels())
    assert _texts(ax)[1] == " 4  → 40.0%"


def test_without_a_cjk_font_the_warning_names_a_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot_module, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        plot_funnel([("展示会", 10), ("MQL", 4)])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Latin labels need no font: no warning
        plot_funnel([("Inquiry", 10), ("MQL", 4)])


def test_cjk_font_picks_the_first_installed_family_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib import font_manager

    class Entry:
        def __init__(self, name: str) -> None:
            self.name = name

    fake = [Entry("DejaVu Sans"), Entry("Meiryo"), Entry("IPAexGothic")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fake)
    assert cjk_font() == "IPAexGothic"  # preferred to Meiryo
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [Entry("DejaVu Sans")])
    assert cjk_font() is None


def test_plot_scores_draws_one_box_per_grade_best_first(monkeypatch: pytest.MonkeyPatch) -> None:
    scores = {"a": 80.0, "b": 60.0, "c": 10.0, "d": 15.0, "e": 40.0, "x": 99.0}
    grades: dict[str, Grade | str] = {"a": "A", "b": Grade.A, "c": "C-", "d": "C-", "e": "B+"}
    ax = plot_scores(scores, grades)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["A\n(n=2)", "B+\n(n=1)", "C-\n(n=2)"]  # "x" has no grade: left out
    assert len(ax.patches) == 3  # a box for each grade
    low, high = ax.patches[0].get_path().get_extents().intervaly
    assert (low, high) == pytest.approx((65.0, 75.0))  # A's quartiles of 60 and 80
    assert ax.get_ylabel() == "score"
    monkeypatch.setattr(plot_module, "cjk_font", lambda: "Noto Sans CJK JP")
    japanese = plot_scores(scores, grades, locale="ja")
    assert japanese.get_title() == "グレード別スコア分布"
    assert japanese.title.get_fontfamily()[0] == "Noto Sans CJK JP"
