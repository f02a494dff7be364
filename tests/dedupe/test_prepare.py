"""The one-pass key preparation of MatchIndex gives exactly the keys of the per-criterion
path (CompiledRule.row and compile_blocks), shared name keys included."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.dedupe import LEAD_RULE, MatchIndex
from leadkit.dedupe._blocking import compile_blocks
from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._rule import CompiledRule
from leadkit.model import Lead, PersonName

_T = datetime(2026, 4, 1, tzinfo=UTC)
_FAMILY = st.sampled_from(["山田", "髙橋", "高橋", "Yamada", "ヤマダ", "山田太郎様", "Smith", "T"])
_GIVEN = st.sampled_from([None, "太郎", "Taro", "T.", "真一", "真一郎", "John"])
_KANA = st.sampled_from([None, "ヤマダ", "やまだ タロウ", "タカハシ"])
_COMPANY = st.sampled_from(["株式会社ABC 東京支店", "ABC(株)", "ABC Inc."])
_EMAIL = st.sampled_from([None, "taro+x@abc.co.jp", "info@abc.co.jp", "taro@abc.co.jp"])
_PHONE = st.sampled_from([None, "03-1234-5678", "81-3-1234-5678", "+1 201 555 0100"])


@st.composite
def _leads(draw: st.DrawFn) -> list[Lead]:
    count = draw(st.integers(min_value=1, max_value=6))
    return [
        Lead(
            id=f"lead-{n}",
            name=PersonName(draw(_FAMILY), draw(_GIVEN), family_kana=draw(_KANA)),
            company=draw(_COMPANY),
            email=draw(_EMAIL),
            phone=draw(_PHONE),
            mobile=draw(_PHONE),
            created_at=_T,
        )
        for n in range(count)
    ]


@settings(max_examples=40, deadline=None)
@given(_leads())
def test_prepared_keys_equal_the_per_criterion_keys(leads: list[Lead]) -> None:
    """Reference: CompiledRule.row and compile_blocks, the path MatchIndex took before
    key groups (issue 13: keys must not change with speed work)."""
    index = MatchIndex(leads, LEAD_RULE)
    compiled, blocks = CompiledRule(LEAD_RULE), compile_blocks(LEAD_RULE.blocking)
    context = MatchContext()
    for position, lead in enumerate(leads):
        memo: dict[object, object] = {}
        assert index._rows[position] == compiled.row(lead, context, memo)
        assert index._record_keys[position] == blocks(lead, context, memo)
