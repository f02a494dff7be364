"""Matching keys (leadkit.model._normalise) and prefectures (leadkit.model._prefectures)."""

from __future__ import annotations

import doctest
import string
from types import ModuleType

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from leadkit.errors import ValidationError, format_path
from leadkit.model import _normalise, _prefectures
from leadkit.model._normalise import (
    FREE_MAIL_DOMAINS,
    company_key,
    contains_japanese,
    email_domain,
    email_key,
    is_free_mail,
    normalise_text,
    phone_key,
    phone_sections,
)
from leadkit.model._prefectures import (
    PREFECTURES,
    Prefecture,
    Region,
    find_prefecture,
    parse_prefecture,
    region_of,
)


@pytest.mark.parametrize("module", [_normalise, _prefectures], ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def full_width(text: str) -> str:
    """The full-width (全角) spelling of the ASCII in *text*."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


# ---------------------------------------------------------------------------------------------
# normalise_text, contains_japanese
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Hello   World  ", "hello world"),
        ("ＡＢＣ\u3000ｄｅｆ", "abc def"),
        ("ｶﾞｲｼｬ", "ガイシャ"),
        ("a\t\nb\u00a0c", "a b c"),
        ("Straße", "strasse"),
        ("", ""),
        (" \u3000 ", ""),
    ],
)
def test_normalise_text_examples(text: str, expected: str) -> None:
    assert normalise_text(text) == expected


@given(st.text())
@example("ᄀ ᅡ")
@example("\u00a8a")
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(alphabet=string.printable))
def test_normalise_text_ignores_width_and_case(text: str) -> None:
    expected = normalise_text(text)
    assert normalise_text(full_width(text)) == expected
    assert normalise_text(text.upper()) == normalise_text(text.lower()) == expected.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田", True),
        ("やまだ", True),
        ("ヤマダ", True),
        ("ﾔﾏﾀﾞ", True),
        ("佐々木", True),
        ("John Smith", False),
        ("Zoë", False),
        ("", False),
    ],
)
def test_contains_japanese(text: str, expected: bool) -> None:
    assert contains_japanese(text) is expected


@pytest.mark.parametrize(
    "call",
    [normalise_text, contains_japanese, company_key, email_key, email_domain, is_free_mail],
)
def test_text_functions_reject_non_str(call: object) -> None:
    assert callable(call)
    with pytest.raises(ValidationError, match="expected a str"):
        call(None)


# ---------------------------------------------------------------------------------------------
# company_key
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ABC",
        "株式会社ABC",
        "ABC株式会社",
        "ABC(株)",
        "ＡＢＣ（株）",
        "㈱ABC",
        "㍿ABC",
        "ABC Co., Ltd.",
        "ABC Co.,Ltd.",
        "ABC CO.,LTD",
        "abc inc",
        "ABC, Inc.",
        "A.B.C. Corporation",
        "ABC L.L.C.",
        "ABC K.K.",
        "ABC Kabushiki Kaisha",
        "ABC GmbH",
        "ABC S.A.",
        "ABC Pty. Ltd.",
        "  abc  ",
    ],
)
def test_company_key_ignores_legal_form_width_and_case(name: str) -> None:
    assert company_key(name) == "abc"


@pytest.mark.parametrize(
    "name", ["株式会社 山田製作所", "(株)山田製作所", "山田製作所", "㈱ 山田製作所"]
)
def test_company_key_japanese(name: str) -> None:
    assert company_key(name) == "山田製作所"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # English forms are whole words only.
        ("Cosmo", "cosmo"),
        ("Incubator Inc.", "incubator"),
        ("Agora AG", "agora"),
        ("Co-op Co", "coop"),
        ("Sony Group Corporation", "sonygroup"),
        ("The Coca-Cola Company", "thecocacola"),
        # Nothing but a legal form: keep it rather than give an empty key.
        ("Company", "company"),
        ("株式会社", "株式会社"),
        ("Co., Ltd.", "coltd"),
        # Japanese forms go wherever they stand, even split by spaces.
        ("ABC株式会社 東京支店", "abc東京支店"),
        ("株式 会社 ABC", "abc"),
        ("一般社団法人 日本ABC協会", "日本abc協会"),
        ("ＮＰＯ法人ABC", "abc"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞ", "ヤマダ"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_company_key_examples(name: str, expected: str) -> None:
    assert company_key(name) == expected


LEGAL_DECORATIONS = [
    *(
        template
        for form in [
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
            "一般社団法人",
            "一般財団法人",
            "公益社団法人",
            "公益財団法人",
            "社会福祉法人",
            "学校法人",
            "医療法人",
            "特定非営利活動法人",
            "NPO法人",
            "独立行政法人",
            "国立大学法人",
        ]
        for template in (form + "{}", "{}" + form, form + " {}", "{} " + form)
    ),
    *(
        template
        for abbreviation in ["(株)", "（株）", "㈱", "(有)", "㈲", "(同)"]
        for template in (abbreviation + "{}", "{}" + abbreviation, "{} " + abbreviation)
    ),
    "㍿{}",
    *(
        "{}" + form
        for form in [
            " Inc.",
            " Inc",
            ", Inc.",
            " Incorporated",
            " Corp.",
            " Corp",
            " Corporation",
            " Co.",
            " Co",
            " Company",
            " Ltd.",
            " Ltd",
            " Limited",
            " LLC",
            " L.L.C.",
            " LLP",
            " PLC",
            " GmbH",
            " AG",
            " S.A.",
            " SA",
            " SAS",
            " B.V.",
            " N.V.",
            " Pty Ltd",
            " Pte. Ltd.",
            " K.K.",
            " KK",
            " Kabushiki Kaisha",
            " Co.,Ltd.",
            " Co., Ltd.",
        ]
    ),
]
ENGLISH_FORM_WORDS = {
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "bv",
    "nv",
    "pty",
    "pte",
    "kk",
}
# Kanji and kana that occur in no legal form, so a random name cannot spell one.
NAME_ALPHABET = (
    string.ascii_letters
    + string.digits
    + "山田川本製作所電機商工業東西南北中村林森海空星光新"
    + "あいうえおかきくけこさしすせそ"
)
company_names = st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=12).filter(
    lambda name: name.lower() not in ENGLISH_FORM_WORDS
)
VARIANTS = [str, str.upper, str.lower, full_width, lambda s: full_width(s.upper())]


@given(company_names, st.sampled_from(LEGAL_DECORATIONS), st.sampled_from(VARIANTS))
def test_company_key_ignores_any_legal_decoration(
    name: str, decoration: str, variant: object
) -> None:
    assert callable(variant)
    bare = company_key(name)
    assert bare == normalise_text(name)
    assert company_key(variant(decoration.format(name))) == bare


@given(st.text() | st.builds(str.format, st.sampled_from(LEGAL_DECORATIONS), company_names))
@example("(株)株式会社")
@example("株式株式会社会社X")
@example("Inc. Co.")
@example("ᄀ(株)ᅡ")
def test_company_key_is_idempotent(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------


def test_email_key() -> None:
    assert email_key("  Taro.Yamada+News@Example.CO.JP ") == "taro.yamada+news@example.co.jp"
    assert email_key("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ") == "taro@example.jp"
    # No provider tricks: dots and "+tags" are kept.
    assert email_key("t.a.r.o+x@gmail.com") != email_key("taro@gmail.com")


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("taro@Example.CO.JP", "example.co.jp"),
        (" taro@example.com. ", "example.com"),
        ('"a@b"@example.org', "example.org"),
        ("ｔａｒｏ＠ＥＸＡＭＰＬＥ．ＪＰ", "example.jp"),
        ("taro", None),
        ("taro@", None),
        ("", None),
    ],
)
def test_email_domain(email: str, expected: str | None) -> None:
    assert email_domain(email) == expected


@given(
    st.text(alphabet="aZ@. \t.-ｔ＠", max_size=12)
    | st.builds("{}@{}".format, st.text(max_size=5), st.text(max_size=8))
)
@example("Taro@Example.COM. \t")
@example("a@b@c")
def test_email_domain_is_the_domain_of_the_key(email: str) -> None:
    key = email_key(email)
    expected = key.rpartition("@")[2].rstrip(".") or None if "@" in key else None
    assert email_domain(email) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("taro@gmail.com", True),
        ("Taro@GMAIL.COM", True),
        ("gmail.com", True),
        ("@yahoo.co.jp", True),
        ("taro@docomo.ne.jp", True),
        ("taro@i.softbank.jp", True),
        ("taro@ab.plala.or.jp", True),
        ("taro@example.co.jp", False),
        ("taro@notgmail.com", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_free_mail(value: str, expected: bool) -> None:
    assert is_free_mail(value) is expected


def test_free_mail_domains_are_normalised() -> None:
    assert {"gmail.com", "yahoo.co.jp", "docomo.ne.jp", "qq.com", "naver.com"} <= FREE_MAIL_DOMAINS
    assert all(domain == email_key(domain) and "@" not in domain for domain in FREE_MAIL_DOMAINS)


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "03-1234-5678",
        "(03) 1234 5678",
        "０３－１２３４－５６７８",
        "+81 3-1234-5678",
        "+81 (0)3 1234 5678",
        "+81 03 1234 5678",
        "+81312345678",
        "0081312345678",
        "010-81-3-1234-5678",
        "tel:+81-3-1234-5678",
        "3-1234-5678",
        "03-1234-5678 ext. 123",
        "03-1234-5678 x123",
        "03-1234-5678 内線123",
        "03-1234-5678（内線：45）",
        "03-1234-5678#9",
    ],
)
def test_phone_key_japan(phone: str) -> None:
    assert phone_key(phone) == "+81312345678"


@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        ("(212) 555-0123", "US", "+12125550123"),
        ("212-555-0123", "US", "+12125550123"),
        ("1 212 555 0123", "US", "+12125550123"),
        ("+1 (212) 555-0123", "JP", "+12125550123"),
        ("011 81 3 1234 5678", "US", "+81312345678"),
        ("604-555-0199", "ca", "+16045550199"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", "JP", "+442079460958"),
        ("06 1234 5678", "IT", "+390612345678"),
        ("+39 06 1234 5678", "JP", "+390612345678"),
        ("0011 81 3 1234 5678", "AU", "+81312345678"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("0120-123-456", "JP", "+81120123456"),
        ("011-123-4567", "JP", "+81111234567"),  # Sapporo, not an international prefix
        ("+998 71 123 45 67", "JP", "+998711234567"),
        ("", "JP", ""),
        ("n/a", "JP", ""),
        ("+81", "JP", ""),
    ],
)
def test_phone_key_examples(phone: str, country: str, expected: str) -> None:
    assert phone_key(phone, default_country=country) == expected


# "0" + digits is a national number; "010" would be the international prefix.
national_jp = st.from_regex(r"\A(?:1[1-9]|[2-9][0-9])[0-9]{7,8}\Z")


@given(national_jp)
def test_phone_key_international_forms_match_national(digits: str) -> None:
    expected = "+81" + digits
    forms = [
        "0" + digits,
        full_width("0" + digits),
        f"0{digits[:2]}-{digits[2:6]}-{digits[6:]}",
        "+81" + digits,
        "+81 " + digits,
        "+81 (0)" + digits,
        "+81 0" + digits,
        "0081" + digits,
        "010 81 " + digits,
    ]
    assert {phone_key(form) for form in forms} == {expected}


@given(national_jp, st.sampled_from(["-", " ", "－", ".", ")"]))
def test_phone_sections_join_to_the_key(digits: str, separator: str) -> None:
    written = separator.join(["0" + digits[:1], digits[1:5], digits[5:]])
    sections = phone_sections(written)
    assert sections == (digits[:1], digits[1:5], digits[5:])
    assert "+81" + "".join(sections) == phone_key(written)


@given(st.text(), st.sampled_from(["JP", "US", "GB", "IT", "AU"]))
@example("+1 1 212 555 0123", "JP")
@example("+99 0123", "JP")
def test_phone_key_is_total_and_idempotent(text: str, country: str) -> None:
    key = phone_key(text, default_country=country)
    assert key == "" or (key[0] == "+" and key[1:].isascii() and key[1:].isdigit())
    assert phone_key(key, default_country=country) == key
    assert "".join(phone_sections(text, default_country=country)) in key


@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        ("03-1234-5678", "JP", ("3", "1234", "5678")),
        ("(03) 1234 5678", "JP", ("3", "1234", "5678")),
        ("+81 (0)3-1234-5678", "JP", ("3", "1234", "5678")),
        ("+81 03-1234-5678", "JP", ("3", "1234", "5678")),
        ("010-81-3-1234-5678", "JP", ("3", "1234", "5678")),
        ("0081312345678", "JP", ("312345678",)),
        ("090-1234-5678 内線 12", "JP", ("90", "1234", "5678")),
        ("1-212-555-0123", "US", ("212", "555", "0123")),
        ("+39 06 1234 5678", "JP", ("06", "1234", "5678")),
        ("", "JP", ()),
    ],
)
def test_phone_sections(phone: str, country: str, expected: tuple[str, ...]) -> None:
    assert phone_sections(phone, default_country=country) == expected


@pytest.mark.parametrize("call", [phone_key, phone_sections])
@pytest.mark.parametrize("country", ["XX", "Japan", ""])
def test_unknown_default_country_is_rejected(call: object, country: str) -> None:
    assert callable(call)
    with pytest.raises(ValidationError, match="unknown country") as info:
        call("03-1234-5678", default_country=country)
    assert format_path(info.value.path) == "default_country"
    assert "default_country" in str(info.value)


def test_phone_key_rejects_non_str() -> None:
    with pytest.raises(ValidationError, match="expected a str"):
        phone_key(312345678)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Prefectures and regions
# ---------------------------------------------------------------------------------------------


def test_prefectures_table() -> None:
    assert len(PREFECTURES) == 47
    assert [p.code for p in PREFECTURES] == list(range(1, 48))
    assert len({p.name for p in PREFECTURES}) == len({p.romaji for p in PREFECTURES}) == 47
    assert all(p.name.endswith(("都", "道", "府", "県")) for p in PREFECTURES)
    assert {p.name for p in PREFECTURES if p.name.endswith("都")} == {"東京都"}
    assert {p.name for p in PREFECTURES if p.name.endswith("府")} == {"京都府", "大阪府"}


ROMAJI_SUFFIX = {"都": "to", "府": "fu", "県": "ken", "道": ""}


def spellings(prefecture: Prefecture) -> list[str]:
    romaji = prefecture.romaji
    suffix = ROMAJI_SUFFIX[prefecture.name[-1]]
    forms = [
        prefecture.name,
        prefecture.short,
        f" {prefecture.name} ",
        romaji,
        romaji.lower(),
        romaji.upper(),
        full_width(romaji.upper()),
        f"{prefecture.code}",
        f"{prefecture.code:02d}",
    ]
    if suffix:
        forms += [
            f"{romaji}-{suffix}",
            f"{romaji.lower()}-{suffix}",
            f"{romaji} {suffix.capitalize()}",
            f"{romaji.lower()} {suffix}",
            f"{romaji} Prefecture",
        ]
    return forms


@pytest.mark.parametrize("prefecture", PREFECTURES, ids=lambda p: p.romaji)
def test_every_prefecture_resolves_from_every_spelling(prefecture: Prefecture) -> None:
    for form in spellings(prefecture):
        assert find_prefecture(form) == prefecture, form
        assert parse_prefecture(form) == prefecture, form
        assert region_of(form) is prefecture.region, form


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tokyo Metropolis", "東京都"),
        ("Tōkyō", "東京都"),
        ("Toukyou-to", "東京都"),
        ("Hokkaidō", "北海道"),
        ("Kyōto", "京都府"),
        ("京都", "京都府"),
        ("大阪", "大阪府"),
        ("Osaka-fu", "大阪府"),
        ("Hyōgo", "兵庫県"),
        ("Kouchi", "高知県"),
        ("Ōita", "大分県"),
        ("Gumma", "群馬県"),
        ("Gifu-ken", "岐阜県"),
        ("aichi ken", "愛知県"),
        ("ＴＯＫＹＯ", "東京都"),
        ("１３", "東京都"),
    ],
)
def test_find_prefecture_examples(text: str, name: str) -> None:
    found = find_prefecture(text)
    assert found is not None
    assert found.name == name


@pytest.mark.parametrize(
    "text", ["California", "CA", "NY", "", "   ", "to", "ken", "0", "48", "013", "東京都千代田区"]
)
def test_find_prefecture_unknown(text: str) -> None:
    assert find_prefecture(text) is None
    assert region_of(text) is None
    with pytest.raises(ValidationError, match="unknown prefecture") as info:
        parse_prefecture(text)
    assert repr(text) in str(info.value)


@given(st.text())
def test_find_prefecture_is_total(text: str) -> None:
    found = find_prefecture(text)
    assert found is None or found in PREFECTURES


def test_find_prefecture_rejects_non_str() -> None:
    with pytest.raises(ValidationError, match="expected a str"):
        find_prefecture(13)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("東京都", Region.KANTO),
        ("大阪府", Region.KINKI),
        ("三重県", Region.KINKI),
        ("新潟県", Region.CHUBU),
        ("静岡県", Region.CHUBU),
        ("沖縄県", Region.KYUSHU_OKINAWA),
        ("北海道", Region.HOKKAIDO),
        ("広島県", Region.CHUGOKU),
        ("高知県", Region.SHIKOKU),
        ("宮城県", Region.TOHOKU),
    ],
)
def test_prefecture_regions(name: str, region: Region) -> None:
    assert region_of(name) is region


def test_region_sizes() -> None:
    sizes = {region: sum(p.region is region for p in PREFECTURES) for region in Region}
    assert sizes == {
        Region.HOKKAIDO: 1,
        Region.TOHOKU: 6,
        Region.KANTO: 7,
        Region.CHUBU: 9,
        Region.KINKI: 7,
        Region.CHUGOKU: 5,
        Region.SHIKOKU: 4,
        Region.KYUSHU_OKINAWA: 8,
    }


@pytest.mark.parametrize("region", list(Region))
def test_region_parse_round_trips(region: Region) -> None:
    for text in (region.value, region.english, region.english.upper(), region.name):
        assert Region.parse(text) is region
        assert Region.parse(full_width(text)) is region


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("関西", Region.KINKI),
        ("Kansai", Region.KINKI),
        ("kinki", Region.KINKI),
        ("関東地方", Region.KANTO),
        ("Kanto region", Region.KANTO),
        ("Kantou", Region.KANTO),
        ("Tōhoku", Region.TOHOKU),
        ("九州沖縄", Region.KYUSHU_OKINAWA),
        ("Kyushu", Region.KYUSHU_OKINAWA),
        ("Kyūshū-Okinawa", Region.KYUSHU_OKINAWA),
        ("Chuugoku", Region.CHUGOKU),
    ],
)
def test_region_parse_aliases(text: str, region: Region) -> None:
    assert Region.parse(text) is region


@pytest.mark.parametrize("text", ["Atlantis", "", "東京"])
def test_region_parse_unknown(text: str) -> None:
    with pytest.raises(ValidationError, match="unknown region"):
        Region.parse(text)


def test_region_english() -> None:
    assert [r.english for r in Region] == [
        "Hokkaido",
        "Tohoku",
        "Kanto",
        "Chubu",
        "Kinki (Kansai)",
        "Chugoku",
        "Shikoku",
        "Kyushu-Okinawa",
    ]
