"""名寄せ for Japanese data under the standard lead rule (issue 13).

Each example names where its variation comes from: issue 13 lists the failures measured
on Japanese B2B data; the conventions behind them are cited where there is one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from leadkit.dedupe import (
    ACCOUNT_RULE,
    LEAD_RULE,
    NameMatch,
    find_duplicates,
    parse_name,
    split_full_name,
)
from leadkit.dedupe._japanese import fold_japanese, romaji_key, strip_branch
from leadkit.dedupe._keys import company_match_key, mailbox_key
from leadkit.model import Account, Lead, PersonName, company_key, normalise_text, phone_key

T = datetime(2026, 4, 1, tzinfo=UTC)


def lead(
    lead_id: str,
    family: str,
    given_name: str | None = None,
    *,
    company: str = "株式会社サンプル",
    family_kana: str | None = None,
    given_kana: str | None = None,
    **fields: str | None,
) -> Lead:
    name = PersonName(family, given_name, family_kana=family_kana, given_kana=given_kana)
    return Lead(id=lead_id, name=name, company=company, created_at=T, **fields)  # type: ignore[arg-type]


def same(a: Lead, b: Lead) -> bool:
    return LEAD_RULE.compare(a, b).matched


# -- normalisation -------------------------------------------------------------------------------


def test_variant_kanji_fold_in_names_and_companies_and_the_evidence_says_so() -> None:
    """Issue 13: 髙橋/高橋, 齋藤/斎藤/齊藤, 渡邊/渡邉/渡辺, 﨑/崎 (異体字, as on 戸籍 and cards)."""
    a = lead("a", "髙橋", "太郎", company="株式會社髙橋商事", phone="03-1234-5678")
    b = lead("b", "高橋", "太郎", company="高橋商事株式会社", phone="03-1234-5678")
    pair = LEAD_RULE.compare(a, b)
    assert pair.matched
    assert pair.evidence[1].left == "髙橋 → 高橋"
    assert same(lead("c", "齋藤", "一郎"), lead("d", "齊藤", "一郎"))
    assert same(lead("e", "渡邊", "一郎"), lead("f", "渡辺", "一郎"))


def test_katakana_spellings_give_one_company_key() -> None:
    """Issue 13: センター/センタ, ー typed as －—‐, キャノン/キヤノン, ヴィ/ビ."""
    keys = {
        company_match_key(name)
        for name in (
            "株式会社ソリューションセンター",
            "ソリユーションセンタ(株)",
            "ソリューションセンタ－株式会社",
        )
    }
    assert len(keys) == 1
    assert company_match_key("ヴィクトリー") == company_match_key("ビクトリー")
    assert company_match_key("東京電機") != company_match_key("東京電気")  # one kanji apart


def test_bank_style_legal_forms_are_legal_forms() -> None:
    """Issue 13; 全銀 (bank transfer) format abbreviates 株式会社 as ｶ) before a name and (ｶ
    after it, and spells it out as ｶﾌﾞｼｷｶﾞｲｼｬ."""
    expected = company_key("株式会社ヤマダ")
    for name in ("(ｶ)ﾔﾏﾀﾞ", "ｶ)ﾔﾏﾀﾞ", "ﾔﾏﾀﾞ(ｶ", "ﾔﾏﾀﾞ ｶﾌﾞｼｷｶﾞｲｼｬ", "ﾔﾏﾀﾞ(ﾕ)"):
        assert company_key(name) == expected, name


def test_a_branch_or_department_is_ignored_for_leads_and_kept_for_accounts() -> None:
    """Issue 13 and DESIGN: the branch belongs to the account hierarchy."""
    assert company_match_key("株式会社ABC 東京支店") == company_match_key("ABC株式会社 第二営業部")
    assert company_match_key("ABC Trading Co., Ltd. Osaka Office") == company_match_key(
        "ABC Trading"
    )
    assert strip_branch(normalise_text("株式会社ABC 東京支店")) == ("株式会社abc", "東京支店")
    assert company_match_key("日本ソリューションセンター") == fold_japanese(
        "日本ソリューションセンター"
    )
    a = Account(id="a", name="株式会社ABC 東京支店", created_at=T)
    b = Account(id="b", name="株式会社ABC 大阪支店", created_at=T)
    assert not ACCOUNT_RULE.compare(a, b).matched


def test_country_code_without_plus_and_full_width_phones() -> None:
    """Issue 13: 81-3-1234-5678 is written by people copying an international number."""
    forms = ["81-3-1234-5678", "+81 (0)3 1234 5678", "０３－１２３４－５６７８", "(03)1234-5678"]
    assert {phone_key(form) for form in forms} == {"+81312345678"}


def test_plus_addressing_folds_and_full_width_addresses_are_accepted() -> None:
    """Issue 13; the docs promise full-width input is normalised (docs/glossary.md: 全角/半角)."""
    assert mailbox_key("taro+expo@abc.co.jp") == mailbox_key("taro@abc.co.jp") == "taro@abc.co.jp"
    wide = lead("w", "山田", email="ｔａｒｏ＠ａｂｃ．ｃｏ．ｊｐ")
    assert wide.email == "taro@abc.co.jp"
    assert same(
        lead("a", "山田", email="taro+expo@abc.co.jp"), lead("b", "佐藤", email="taro@abc.co.jp")
    )


def test_a_matching_mobile_is_as_strong_as_a_matching_phone() -> None:
    """Issue 13: the standard rule ignored ``mobile``."""
    a = lead("a", "山田", "太郎", company="ABC", mobile="090-1234-5678")
    b = lead("b", "山田", "太郎", company="Other", mobile="09012345678")
    assert same(a, b)


# -- names ----------------------------------------------------------------------------------


def test_a_full_name_in_one_field_is_split_where_reliable() -> None:
    """Issue 13: 山田太郎, 山田 太郎 in the family field, "山田　太郎様"."""
    assert split_full_name("山田太郎") == ("山田", "太郎")
    assert split_full_name("山田　太郎様") == ("山田", "太郎")
    assert split_full_name("Yamada Taro") == ("Yamada", "Taro")
    assert split_full_name("John Smith") == ("Smith", "John")
    assert split_full_name("鈴") == ("鈴", None)  # cannot be split reliably
    full = lead("a", "山田 太郎", phone="03-1111-2222")
    assert same(full, lead("b", "山田", "太郎", phone="03-1111-2222"))


def test_romaji_order_both_ways() -> None:
    """Issue 13: "Yamada Taro" and "Taro Yamada" are the same person."""
    assert same(lead("a", "Taro", "Yamada"), lead("b", "Yamada", "Taro"))
    assert same(lead("a", "Yamada Taro"), lead("b", "Yamada", "Taro"))
    assert not parse_name(PersonName("Taro", "Yamada")).order_known


def test_kanji_against_kana_or_romaji_through_readings() -> None:
    """Issue 13: 山田 太郎 / Yamada Taro / ヤマダ タロウ, matched where a record has a reading."""
    kanji = lead("a", "山田", "太郎", family_kana="やまだ", given_kana="たろう")
    assert same(kanji, lead("b", "ヤマダ", "タロウ"))
    assert same(kanji, lead("c", "Yamada", "Taro"))
    assert not same(lead("d", "山田", "太郎"), lead("e", "Yamada", "Taro"))  # no reading: no proof


def test_honorifics_and_titles_are_stripped() -> None:
    """Issue 13: 様, 殿, さん, 御中, Mr., Ms. (敬称 added by people writing to someone)."""
    base = lead("a", "山田", "太郎", company="株式会社ABC")
    assert same(base, lead("b", "山田", "太郎様", company="株式会社ABC 御中"))
    assert same(base, lead("c", "山田 太郎 殿", company="ABC(株)"))
    english = lead("d", "Smith", "John", company="ABC")
    assert same(english, lead("e", "Smith", "Mr. John", company="ABC"))


# -- precision ------------------------------------------------------------------------------


def test_prefix_and_one_kanji_apart_given_names_are_not_agreement() -> None:
    """Issue 13: 真一/真一郎, Kenichi/Kenichiro, Takahiro/Takahito, Masahiro/Masahiko."""
    pairs = [
        ("真一", "真一郎"),
        ("Kenichi", "Kenichiro"),
        ("Takahiro", "Takahito"),
        ("正弘", "正彦"),
    ]
    for left, right in pairs:
        a = lead("a", "山田", left, phone="03-1111-2222")
        b = lead("b", "山田", right, phone="03-1111-2222")
        assert not same(a, b), (left, right)


def test_same_reading_in_other_kanji_is_weak_evidence() -> None:
    """Issue 13: 裕子/優子 both read ユウコ and are different people."""
    rule = NameMatch(part="given", strict=True)
    score = rule.scorer()
    a = rule.name_key(PersonName("山田", "裕子", given_kana="ユウコ"))
    b = rule.name_key(PersonName("山田", "優子", given_kana="ユウコ"))
    assert score(a, b) == 0.5 < rule.threshold
    assert not rule.contradicts(a, b)


def test_role_addresses_do_not_decide_alone() -> None:
    """Issue 13: two people writing from info@abc.co.jp are not duplicates."""
    a = lead("a", "山田", "太郎", company="ABC", email="info@abc.co.jp")
    b = lead("b", "佐藤", "花子", company="ABC", email="INFO@abc.co.jp")
    assert not same(a, b)


def test_clusters_do_not_chain_contradicting_members_and_say_so() -> None:
    """Issue 13: Taro, "T." and Takeshi Yamada at one company."""
    records = [
        lead("taro", "Yamada", "Taro", company="ABC", phone="03-1111-2222", mobile="090-1"),
        lead("t", "Yamada", "T.", company="ABC", phone="03-1111-2222", mobile="090-1"),
        lead("takeshi", "Yamada", "Takeshi", company="ABC", phone="03-1111-2222"),
    ]
    result = find_duplicates(records, LEAD_RULE)
    assert [c.ids for c in result] == [("taro", "t")]
    assert "left out" in result.clusters[0].notes[0]
    assert [(p.left, p.right) for p in result.possible] == [("t", "takeshi")]


def test_same_name_at_one_company_with_different_contacts_is_a_possible_duplicate() -> None:
    """Issue 13: 同姓同名 with different e-mails and phones is not decidable."""
    a = lead("a", "山田", "太郎", company="ABC", email="taro@abc.co.jp", phone="03-1111-2222")
    b = lead("b", "山田", "太郎", company="ABC", email="t.yamada2@abc.co.jp", phone="03-3333-4444")
    result = find_duplicates([a, b], LEAD_RULE)
    assert result.clusters == ()
    assert [(p.left, p.right, p.possible) for p in result.possible] == [("a", "b", True)]
    # A free-mail address is no conflict: the same person's personal address.
    c = lead("c", "山田", "太郎", company="ABC", email="taro@gmail.com")
    assert same(a, c)


# -- properties -----------------------------------------------------------------------------

_POOL = "髙高齋斎邊辺﨑崎櫻桜あいうえおゔぁアイウエオヴァィャュョッーｰ-－—‐センタキノビabc 山田"
texts = st.text(alphabet=st.sampled_from(list(_POOL)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_folding_is_idempotent(text: str) -> None:
    text = normalise_text(text)
    assert fold_japanese(fold_japanese(text)) == fold_japanese(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghijkmnoprstuwyz", max_size=12))
def test_romaji_key_is_idempotent(text: str) -> None:
    key = romaji_key(text)
    assert key is None or romaji_key(key) == key


names = st.builds(
    PersonName,
    st.sampled_from(["山田", "髙橋", "高橋", "Yamada", "ヤマダ", "Taro", "山田太郎"]),
    st.sampled_from([None, "太郎", "Taro", "T.", "真一", "真一郎", "タロウ", "Yamada"]),
    family_kana=st.sampled_from([None, "ヤマダ", "タカハシ"]),
    given_kana=st.sampled_from([None, "タロウ", "シンイチ"]),
)


@settings(max_examples=80, deadline=None)
@given(names, names, st.sampled_from(["family", "given", "full"]))
def test_strict_name_comparison_is_symmetric(a: PersonName, b: PersonName, part: str) -> None:
    rule = NameMatch(part=part, strict=True)  # type: ignore[arg-type]
    left, right = rule.name_key(a), rule.name_key(b)
    if left is None or right is None:
        return
    score = rule.scorer()
    assert score(left, right) == score(right, left)
    assert rule.contradicts(left, right) == rule.contradicts(right, left)
