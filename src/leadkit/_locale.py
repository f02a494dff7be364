"""The one message catalogue: the words leadkit prints around your data, in English and
Japanese (``locale="en"`` or ``"ja"``).

Explanations (score and grade cards), reports and the command's tables take their
framing from here, so a Japanese sales team reads 「資料請求 +20（30日以内に3回）」
rather than English framing around Japanese rule names. It imports only
:mod:`leadkit.errors`, so every package can use it.

>>> text("funnel.reached", "ja"), text("funnel.reached", "en")
('到達', 'reached')
>>> text("card.events", "ja", count=3, window="30日以内に")
'30日以内に3回'
"""

from __future__ import annotations

from typing import Final, Literal

from leadkit.errors import ValidationError

__all__ = ["LOCALES", "Locale", "check_locale", "column", "period_text", "text", "title"]

Locale = Literal["en", "ja"]
LOCALES: Final = ("en", "ja")

# message id → (English, Japanese); fields in braces are filled by ``text``.
_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # the funnel
    "funnel.title": (
        "Funnel of {leads:,} leads{window} as of {as_of}",
        "ファネル（{leads:,}件{window}、{as_of}時点）",
    ),
    "funnel.title_by": (
        "Funnel by {by} of {leads:,} leads{window} as of {as_of}",
        "{by}別ファネル（{leads:,}件{window}、{as_of}時点）",
    ),
    "funnel.group": ("group", "グループ"),
    "funnel.path": ("path", "経路"),
    "funnel.stage": ("stage", "ステージ"),
    "funnel.reached": ("reached", "到達"),
    "funnel.next": ("→ next", "→ 次"),
    "funnel.rate": ("rate", "転換率"),
    "funnel.median": ("median", "中央値"),
    "funnel.p90": ("p90", "90%点"),
    "funnel.count": ("leads", "リード数"),
    "funnel.plot_title": ("Funnel", "ファネル"),
    "path.marketing": ("marketing", "マーケティング"),
    "path.sales": ("sales", "営業"),
    "by.all": ("all", "全体"),
    "by.source": ("source", "リードソース"),
    "by.campaign": ("campaign", "キャンペーン"),
    "by.owner": ("owner", "所有者"),
    "by.month": ("month", "月"),
    "source.none": ("(none)", "（なし）"),
    # score cards
    "card.score_head": (
        "Score {total} for {lead} (model {model!r} v{version}, as of {as_of})",
        "{lead} のスコア {total}（モデル「{model}」v{version}、{as_of}時点）",
    ),
    "card.score_summary": (
        "<ScoreCard {lead}: {total} points under {model!r} v{version}"
        " as of {as_of}; {rules} rule(s) counted{groups}>",
        "<ScoreCard {lead}: {total}点（モデル「{model}」v{version}、"
        "{as_of}時点、{rules}件のルール{groups}）>",
    ),
    "card.groups_summary": ("; {groups}", "；{groups}"),
    "card.ungrouped": ("ungrouped", "グループなし"),
    "card.group_capped": ("capped at {cap} from {raw}", "{raw}を上限{cap}に"),
    "card.group_head": ("  {name}: {total}", "  {name}：{total}"),
    "card.group_note": (" ({note})", "（{note}）"),
    "card.nothing": ("(nothing counted)", "（該当なし）"),
    "card.total_capped": ("the total is capped at {cap}", "合計は上限{cap}"),
    "card.total_floored": ("the total is floored at {floor}", "合計は下限{floor}"),
    "card.capped_short": ("capped at {cap}", "上限{cap}"),
    "card.floored_short": ("floored at {floor}", "下限{floor}"),
    "card.total": ("Total: {total}", "合計：{total}"),
    "card.total_row": ("Total", "合計"),
    "card.group_total": ("(group total)", "（グループ合計）"),
    "card.events": ("{count} event{plural}{window}", "{window}{count}回"),
    "card.within": (" within {period}", "{period}以内に"),
    "card.once": (", counted once", "、1回として計上"),
    "card.rule_capped": (
        ", capped at {points} from {uncapped}",
        "、{uncapped}を上限{points}に",
    ),
    "card.matched_events": ("{count} event(s)", "{count}件のイベント"),
    "card.line": ("{points:>8}  {rule}: {why}", "{rule} {points}（{why}）"),
    "card.col.group": ("group", "グループ"),
    "card.col.rule": ("rule", "ルール"),
    "card.col.points": ("points", "点数"),
    "card.col.events": ("events", "イベント数"),
    "card.col.why": ("why", "理由"),
    # grade cards
    "grade.head": (
        "Grade {grade} for {lead} (profile {profile!r} v{version}, as of {as_of}):"
        " starts at {start}, {thirds:+d} third(s){clamped}",
        "{lead} のグレード {grade}（プロファイル「{profile}」v{version}、{as_of}時点）："
        "{start}から{thirds:+d}段階{clamped}",
    ),
    "grade.clamped": (" (clamped to A+..F)", "（A+〜Fの範囲に収める）"),
    "grade.summary": (
        "<GradeCard {lead}: {grade} under {profile!r} v{version} as of {as_of};"
        " {matched} matched, {unmatched} unmatched, {unknown} unknown>",
        "<GradeCard {lead}: {grade}（プロファイル「{profile}」v{version}、"
        "{as_of}時点、一致{matched}・不一致{unmatched}・不明{unknown}）>",
    ),
    "grade.matched": ("matched", "一致"),
    "grade.unmatched": ("unmatched", "不一致"),
    "grade.unknown": ("unknown", "不明"),
    "grade.missing": ("{field} is missing", "{field}が未入力"),
    "grade.col.verdict": ("verdict", "判定"),
    "grade.col.criterion": ("criterion", "基準"),
    "grade.col.weight": ("weight", "重み"),
    "grade.col.moved": ("moved", "変化"),
    "grade.col.condition": ("condition", "条件"),
    "grade.col.seen": ("value seen", "値"),
    # plots
    "plot.scores": ("Scores by grade", "グレード別スコア分布"),
    "plot.score": ("score", "スコア"),
    "plot.grade": ("grade", "グレード"),
}

# Column names of the report tables (English as the reports write them) → Japanese.
_COLUMNS: Final[dict[str, str]] = {
    "account": "取引先",
    "amount": "金額",
    "campaign": "キャンペーン",
    "campaign_id": "キャンペーンID",
    "campaign_name": "キャンペーン名",
    "click_rate": "クリック率",
    "click_to_open": "開封後クリック率",
    "clicked": "クリック数",
    "converted": "商談化",
    "company": "会社名",
    "contacts": "取引先責任者数",
    "cost": "費用",
    "cost_basis": "費用の種別",
    "cost_per_lead": "リード単価",
    "cost_per_mql": "MQL単価",
    "cost_per_sql": "SQL単価",
    "cost_per_won": "受注単価",
    "credit": "貢献額",
    "deals": "商談数",
    "engagement": "エンゲージメント",
    "explanation": "説明",
    "grade": "グレード",
    "group": "グループ",
    "last_engaged": "最終エンゲージメント",
    "lead": "リード",
    "lead_source": "リードソース",
    "leads": "リード数",
    "message": "メッセージ",
    "mql_rate": "MQL率",
    "mqls": "MQL数",
    "name": "氏名",
    "next": "次",
    "open": "未完了",
    "open_deals": "進行中の商談",
    "owner": "所有者",
    "path": "経路",
    "pipeline": "パイプライン",
    "open_rate": "開封率",
    "opened": "開封数",
    "pipeline_per_cost": "パイプライン/費用",
    "priority": "優先度",
    "rate": "転換率",
    "reached": "到達",
    "score": "スコア",
    "sent": "送信数",
    "share": "割合",
    "source": "リードソース",
    "sql_rate": "SQL率",
    "sqls": "SQL数",
    "stage": "ステージ",
    "weighted_pipeline": "確度加重パイプライン",
    "why": "理由",
    "won": "受注",
    "won_amount": "受注額",
    "won_deals": "受注件数",
    "won_per_cost": "受注額/費用",
    "won_revenue": "受注売上",
}

# Report titles (English as the reports write them, before any " (model)") → Japanese.
_TITLES: Final[dict[str, str]] = {
    "Source effectiveness": "リードソース別の成果",
    "Open pipeline": "オープンなパイプライン",
    "Team performance": "チーム別の成果",
    "Campaign attribution": "キャンペーン別の貢献",
    "Attribution by lead source": "リードソース別の貢献",
    "Credits": "貢献の内訳",
    "Accounts with their branches": "取引先（支店・営業所を含む）",
    "Campaign ROI": "キャンペーン別の費用対効果",
    "ROI by lead source": "リードソース別の費用対効果",
    "E-mail rates per message": "メール別の開封率・クリック率",
}

_PERIOD_UNITS: Final[dict[str, tuple[str, str]]] = {
    "years": ("year", "年"),
    "months": ("month", "か月"),
    "weeks": ("week", "週間"),
    "days": ("day", "日"),
    "hours": ("hour", "時間"),
}


def check_locale(locale: object) -> Locale:
    """``locale`` itself when it is one leadkit speaks (``"en"``, ``"ja"``), else a
    :class:`~leadkit.errors.ValidationError` at path ``locale``."""
    if locale == "en":
        return "en"
    if locale == "ja":
        return "ja"
    raise ValidationError(
        f"unknown locale {locale!r}; expected one of {', '.join(LOCALES)}",
        path=("locale",),
        code="unknown_locale",
    )


def text(key: str, locale: str, /, **fields: object) -> str:
    """The message ``key`` in ``locale``, its ``{fields}`` filled in."""
    english, japanese = _MESSAGES[key]
    template = japanese if check_locale(locale) == "ja" else english
    return template.format(**fields) if fields else template


def column(name: str, locale: str) -> str:
    """A report column's heading in ``locale`` (as given when the catalogue lacks it)."""
    if check_locale(locale) == "ja":
        return _COLUMNS.get(name, name)
    return name


def title(name: str, locale: str) -> str:
    """A report title in ``locale``; a parenthesised tail (the model's name) is kept.

    >>> title("Campaign attribution (time_decay)", "ja")
    'キャンペーン別の貢献 (time_decay)'
    """
    if check_locale(locale) == "en":
        return name
    head, paren, tail = name.partition(" (")
    found = _TITLES.get(head)
    return name if found is None else found + (paren + tail if paren else "")


def period_text(amounts: dict[str, int], locale: str) -> str:
    """A window length: ``30 days`` / ``30日``, ``1 year 2 months`` / ``1年2か月``.

    >>> period_text({"days": 30}, "ja"), period_text({"years": 1, "months": 2}, "en")
    ('30日', '1 year 2 months')
    """
    ja = check_locale(locale) == "ja"
    parts = []
    for unit, amount in amounts.items():
        english, japanese = _PERIOD_UNITS[unit]
        plural = "s" if amount != 1 else ""
        parts.append(f"{amount}{japanese}" if ja else f"{amount} {english}{plural}")
    return ("" if ja else " ").join(parts)
