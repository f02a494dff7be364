"""Guessed readings of kanji names (the ``romaji`` extra) and the per-record key memo.

Issue 13: "where neither has [a reading], a romanisation key from a well-kept library
(for example pykakasi ...) may serve as a weak blocking key, never as proof alone", and
"preparing each record's keys dominates today ... target under 30 µs per lead".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.dedupe import LEAD_RULE, MatchIndex, _names, _romaji, find_duplicates
from leadkit.dedupe._fields import MatchContext
from leadkit.dedupe._keys import phone_parts
from leadkit.model import phone_key, phone_sections
from tests.dedupe._helpers import lead

pykakasi = pytest.importorskip("pykakasi")

KANJI = lead("a", "千葉", "智子", company="株式会社ABC", phone="03-1111-2222")
ROMAJI_SAME_PHONE = lead("b", "Chiba", "Tomoko", company="ABC", phone="03-1111-2222")
KANA_COMPANY_ONLY = lead("c", "チバ", "トモコ", company="ABC(株)")


def _clear() -> None:
    _romaji.guess_sound.cache_clear()
    _names._part.cache_clear()
    _names._readings.cache_clear()


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """pykakasi as if it were not installed."""
    monkeypatch.setattr(_romaji, "_loaded", True)
    monkeypatch.setattr(_romaji, "_converter", None)
    _clear()
    yield
    _clear()


def test_a_guessed_reading_with_a_shared_phone_is_a_match() -> None:
    assert _romaji.romanisation_available()
    pair = LEAD_RULE.compare(KANJI, ROMAJI_SAME_PHONE)
    assert pair.matched
    assert pair.held == (4, 5, 7, 8, 9)  # not 2 and 3: no reading is written on KANJI
    family = pair.evidence[7]
    assert family.method == "strict+guessed(family)"
    assert family.left == "千葉 (reading guessed: chiba)"  # the match explains itself


def test_a_guessed_reading_with_the_company_alone_is_only_possible() -> None:
    """Never proof alone: the same company is not enough, a person decides."""
    result = find_duplicates([KANJI, KANA_COMPANY_ONLY], LEAD_RULE)
    assert result.clusters == ()
    assert [(p.left, p.right, p.possible) for p in result.possible] == [("a", "c", True)]


def test_two_guesses_are_never_compared() -> None:
    other = lead("d", "千葉", "知子", company="ABC", phone="03-1111-2222")  # also トモコ
    assert not LEAD_RULE.compare(KANJI, other).matched


def test_a_wrong_guess_does_not_contradict() -> None:
    """亮 is guessed アキラ; Ryo is not a contradiction, only no evidence."""
    ryo = lead("e", "千葉", "亮", company="ABC", phone="03-1111-2222")
    romaji = lead("f", "Chiba", "Ryo", company="ABC", phone="03-1111-2222")
    criterion = LEAD_RULE.criteria[8]
    context = MatchContext()
    assert not criterion.contradicts(criterion.key(ryo, context), criterion.key(romaji, context))  # type: ignore[attr-defined]


@pytest.mark.usefixtures("without_extra")
def test_without_the_extra_the_feature_is_off() -> None:
    assert not _romaji.romanisation_available()
    pair = LEAD_RULE.compare(KANJI, ROMAJI_SAME_PHONE)
    assert not pair.matched
    assert _romaji.guess_sound("千葉") is None


def test_the_memo_gives_each_criterion_its_own_key() -> None:
    """Keys computed through the shared per-record memo equal each comparator's key."""
    records = [KANJI, ROMAJI_SAME_PHONE, KANA_COMPANY_ONLY,
               lead("g", "山田 太郎様", company="ABC 東京支店", email="Taro+x@abc.co.jp",
                    mobile="090-1234-5678")]  # fmt: skip
    index = MatchIndex(records, LEAD_RULE)
    context = MatchContext()
    for record in records:
        expected = tuple(c.key(record, context) for c in LEAD_RULE.criteria)
        assert index._rows[index._positions[record.id]] == expected
        assert index._record_keys[index._positions[record.id]] == [
            block.key(record, context) for block in LEAD_RULE.blocking
        ]


PHONE_TEXT = st.text(alphabet="0123456789+-() ０１２３extx#", min_size=1, max_size=18)


@settings(max_examples=100, deadline=None)
@given(PHONE_TEXT, st.sampled_from(["JP", "US", "IT", "GB", "HK", "AU"]))
def test_phone_parts_parse_once_as_twice(phone: str, country: str) -> None:
    """The one-parse path gives what phone_key and phone_sections give together."""
    key = phone_key(phone, default_country=country)
    if not key:
        assert phone_parts(phone, country) is None
        return
    national = "".join(phone_sections(phone, default_country=country))
    assert phone_parts(phone, country) == (key[1 : len(key) - len(national)], national)
