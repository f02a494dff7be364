"""The variations behind deliberate duplicates keep the matching keys a matcher relies on."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from leadkit.model import company_key, email_key, normalise_text, phone_key
from leadkit.sample import _variants as v
from leadkit.sample import _words as w
from leadkit.sample._people import make_company, make_person

seeds = st.integers(0, 2**32)


@given(seeds, st.booleans())
def test_every_spelling_of_a_company_has_the_same_key(seed: int, japanese: bool) -> None:
    rng = random.Random(seed)
    company = make_company(rng, japanese=japanese)
    if japanese:
        spellings = v.ja_company_spellings(company.root, company.form, company.form_first)
    else:
        spellings = v.en_company_spellings(company.root, company.form)
    assert company.name not in spellings
    for text in spellings:
        assert company_key(text) == company.key
        assert company_key(text.upper()) == company.key
        wide = v.width_variant(text)
        if wide is not None:
            assert wide != text
            assert company_key(wide) == company.key


def test_width_conversions_undo_under_nfkc() -> None:
    assert v.fullwidth("ABC Co., Ltd.") == "ＡＢＣ\u3000Ｃｏ．，\u3000Ｌｔｄ．"
    assert v.halfwidth_kana("アークシステムズ") == "ｱｰｸｼｽﾃﾑｽﾞ"
    assert v.halfwidth_kana("パートナー") == "ﾊﾟｰﾄﾅｰ"
    for root in w.JA_COMPANY_ROOTS + w.JA_SUFFIXES:
        text = root.text
        for variant in (v.fullwidth(text), v.halfwidth_kana(text)):
            assert normalise_text(variant) == normalise_text(text)
    assert v.width_variant("東洋製作所") is None


@given(seeds, st.booleans())
def test_phone_formats_keep_the_number(seed: int, japanese: bool) -> None:
    rng = random.Random(seed)
    company = make_company(rng, japanese=japanese)
    country = "JP" if japanese else "US"
    variant = v.phone_variant(company.phone, rng)
    assert variant != company.phone
    assert phone_key(variant, default_country=country) == phone_key(
        company.phone, default_country=country
    )


@given(seeds, st.booleans())
def test_email_case_keeps_the_address(seed: int, japanese: bool) -> None:
    rng = random.Random(seed)
    person = make_person(rng, make_company(rng, japanese=japanese))
    if person.email is not None:
        variant = v.email_case(person.email, rng)
        assert variant != person.email
        assert email_key(variant) == email_key(person.email)


@given(seeds, st.sampled_from(w.EN_FAMILY + w.EN_GIVEN + tuple(n.kanji for n in w.JA_FAMILY)))
def test_a_typo_changes_exactly_one_letter(seed: int, name: str) -> None:
    typo = v.name_typo(name, random.Random(seed))
    if typo is None:
        assert len(name) < 3 or not any(char in w.KANJI_VARIANTS for char in name)
        return
    assert typo != name
    assert abs(len(typo) - len(name)) <= 1
    if len(typo) == len(name):
        assert sum(a != b for a, b in zip(typo, name, strict=True)) == 1
    else:
        longer, shorter = (typo, name) if len(typo) > len(name) else (name, typo)
        assert any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
