"""Optional pictures (need ``leadkit[plot]``: matplotlib): the funnel with its
stage-to-stage rates, and the score distribution by grade.

matplotlib is imported only when a plot is drawn. Japanese labels (展示会, 部長 ...) need a
font with Japanese glyphs: :func:`cjk_font` picks one that is installed, and when none
is, the plot is still drawn and a warning names a font package to install.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from leadkit._locale import text
from leadkit.errors import ValidationError
from leadkit.reports._report import require
from leadkit.reports._table import display_width

if TYPE_CHECKING:
    from leadkit.reports._funnel import FunnelPath, FunnelReport
    from leadkit.scoring import Grade, GradeCard, ScoreCard

__all__ = ["CJK_FONT_PACKAGES", "cjk_font", "plot_funnel", "plot_scores"]

# Families with Japanese glyphs, best first (Noto/Source Han, IPA, Takao, VL, then the
# fonts macOS and Windows ship).
_CJK_FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "IPAPGothic",
    "TakaoGothic",
    "TakaoPGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
)

CJK_FONT_PACKAGES = (
    "fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk)",
    "google-noto-sans-cjk-fonts (Fedora)",
    "or a pip package with a bundled font such as japanize-matplotlib",
)
"""What to install when no font with Japanese glyphs is present (named by the warning)."""


def cjk_font() -> str | None:
    """The family name of an installed font with Japanese glyphs, or None.

    Looks through matplotlib's font manager for the families in a fixed order of
    preference (Noto Sans CJK JP, IPAexGothic, ... Meiryo), so the choice is stable.
    """
    font_manager = require("matplotlib.font_manager", "plot")
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in installed:
            return family
    return None


def _needs_cjk(labels: Iterable[str]) -> bool:
    return any(display_width(label) != len(label) for label in labels)


def _use_cjk_font(ax: Any, labels: Sequence[str]) -> str | None:
    """Set a Japanese-capable font on every text of ``ax`` when a label needs one."""
    if not _needs_cjk(labels):
        return None
    family = cjk_font()
    if family is None:
        warnings.warn(
            "no font with Japanese glyphs is installed, so Japanese labels show as boxes;"
            " install one: " + "; ".join(CJK_FONT_PACKAGES),
            UserWarning,
            stacklevel=3,
        )
        return None
    artists = [
        ax.title,
        ax.xaxis.label,
        ax.yaxis.label,
        *ax.get_xticklabels(),
        *ax.get_yticklabels(),
        *ax.texts,
    ]
    for artist in artists:
        artist.set_fontfamily([family, "sans-serif"])
    return family


def _funnel_pairs(
    report: FunnelReport, *, group: str | None, path: FunnelPath | str | None
) -> list[tuple[str, int]]:
    from leadkit.reports._funnel import FunnelPath

    chosen = FunnelPath.MARKETING if path is None else FunnelPath(path)
    if group is not None and group not in report.groups:
        raise ValidationError(
            f"the report has no group {group!r}; it has {', '.join(report.groups) or 'none'}",
            path=("group",),
            code="unknown_group",
        )
    counts = dict.fromkeys(chosen.stages, 0)
    for row in report.rows:
        if row.path is chosen and row.stage in counts and group in (None, row.group):
            counts[row.stage] += row.reached
    return [(stage.label, count) for stage, count in counts.items()]


def plot_funnel(
    stages: FunnelReport | Iterable[tuple[str, int]],
    *,
    title: str | None = None,
    group: str | None = None,
    path: FunnelPath | str | None = None,
    locale: str = "en",
    ax: Any = None,
) -> Any:
    """Draw a funnel as horizontal bars, first stage on top, and return the axes.

    ``stages`` is a :class:`~leadkit.reports.FunnelReport` (its ``path``, marketing by
    default, over all groups or one ``group``) or ``(stage, count)`` pairs. Each bar
    is annotated with its count and the rate from the stage before it (``→ 21.0%``).
    Japanese labels are drawn with an installed CJK font (:func:`cjk_font`); without
    one a warning names a font package to install.

    matplotlib is imported only here; without it a
    :class:`~leadkit.reports.MissingExtraError` says how to install it.
    """
    plt = require("matplotlib.pyplot", "plot")
    from leadkit.reports._funnel import FunnelReport

    if isinstance(stages, FunnelReport):
        pairs = _funnel_pairs(stages, group=group, path=path)
        if title is None:
            title = stages.title(locale=locale)
    else:
        pairs = [(str(label), int(count)) for label, count in stages]
    if title is None:
        title = text("funnel.plot_title", locale)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 + 0.55 * max(len(pairs), 1)))
    labels = [label for label, _ in pairs]
    counts = [count for _, count in pairs]
    positions = list(range(len(pairs)))[::-1]  # the first stage on top
    ax.barh(positions[::-1], counts[::-1], color="#4C72B0")  # bars bottom up
    ax.set_yticks(positions, labels)
    previous: int | None = None
    for y, count in zip(positions, counts, strict=True):
        note = f" {count:,}"
        if previous is not None:
            note += "  → " + (f"{count / previous:.1%}" if previous else "-")
        ax.text(count, y, note, va="center")
        previous = count
    ax.set_xlim(0, max(counts, default=0) * 1.3 or 1)
    ax.set_title(title)
    ax.set_xlabel(text("funnel.count", locale))
    _use_cjk_font(ax, [title, *labels])
    return ax


def plot_scores(
    scores: Mapping[str, float] | Iterable[ScoreCard],
    grades: Mapping[str, Grade | str | GradeCard],
    *,
    title: str | None = None,
    locale: str = "en",
    ax: Any = None,
) -> Any:
    """Draw the score distribution by grade (a box per grade, A+ first, with each
    grade's lead count) and return the axes.

    ``scores`` is ``{lead id: score}`` (what ``score_many`` returns) or score cards;
    ``grades`` is ``{lead id: grade}`` (``grade_many``), grades as text or grade cards.
    Leads with a score but no grade, or a grade but no score, are left out.
    """
    plt = require("matplotlib.pyplot", "plot")
    from leadkit.scoring import Grade, GradeCard

    if isinstance(scores, Mapping):
        by_lead = {lead_id: float(total) for lead_id, total in scores.items()}
    else:
        by_lead = {card.lead_id: float(card.total) for card in scores}
    groups: dict[Grade, list[float]] = {}
    for lead_id, value in grades.items():
        if lead_id not in by_lead:
            continue
        grade = value.grade if isinstance(value, GradeCard) else Grade.parse(value)
        groups.setdefault(grade, []).append(by_lead[lead_id])
    order = sorted(groups, reverse=True)  # A+ first
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4, 0.8 * len(order) + 2), 4))
    labels = [f"{grade}\n(n={len(groups[grade]):,})" for grade in order]
    if order:
        ax.boxplot([groups[grade] for grade in order], showmeans=True, patch_artist=True)
        ax.set_xticks(range(1, len(order) + 1), labels)
    ax.set_title(text("plot.scores", locale) if title is None else title)
    ax.set_xlabel(text("plot.grade", locale))
    ax.set_ylabel(text("plot.score", locale))
    _use_cjk_font(ax, [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()])
    return ax
