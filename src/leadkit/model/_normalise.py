"""Text normalisation for matching keys: names, companies, e-mail addresses and phones.

Everything here produces *keys* used to compare and deduplicate records; display values are
never changed. All functions are pure, total over ``str`` (they never fail on odd text) and
cheap enough to run over millions of records. They raise
:class:`~leadkit.errors.ValidationError` only for invalid arguments: a value that is not a
``str``, or an unknown ``default_country``.

>>> company_key("ＡＢＣ（株）") == company_key("ABC Co., Ltd.")
True
>>> phone_key("０３－１２３４－５６７８")
'+81312345678'
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit

from leadkit.errors import ValidationError

__all__ = [
    "FREE_MAIL_DOMAINS",
    "company_key",
    "contains_japanese",
    "email_domain",
    "email_key",
    "is_free_mail",
    "normalise_text",
    "phone_key",
    "phone_sections",
    "website_domain",
]


def _require_str(value: object, argument: str) -> None:
    if not isinstance(value, str):
        raise ValidationError(
            f"expected a str, got {type(value).__name__}: {value!r}", path=argument
        )


def _nfkc(text: str) -> str:
    # ASCII is already NFKC; skipping the call matters in hot loops.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# ---------------------------------------------------------------------------------------------
# Generic text
# ---------------------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Return *text* as a matching key: NFKC, trimmed, whitespace collapsed, case-folded.

    NFKC unifies full-width and half-width forms (全角/半角), so ``ＡＢＣ`` and ``ABC``, or
    ``ｶﾞ`` and ``ガ``, compare equal. Every run of whitespace, including the ideographic
    space U+3000, becomes one ASCII space. The result is idempotent:
    ``normalise_text(normalise_text(x)) == normalise_text(x)``.

    >>> normalise_text("  Ｔｏｋｙｏ\u3000 Big\\tSight ")
    'tokyo big sight'
    >>> normalise_text("ｶﾌﾞｼｷｶﾞｲｼｬ")
    'カブシキガイシャ'
    """
    _require_str(text, "text")
    if text.isascii():
        return " ".join(text.split()).lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    # Case folding can leave a sequence that NFKC composes further (and the composed
    # character may fold again); repeat until stable so the function is idempotent.
    while not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split())


# Hiragana, Katakana (+ phonetic extensions and half-width forms), the ideographic
# iteration/closing marks 々〆〇, and CJK ideographs (unified, extension A, compatibility,
# and the supplementary-plane extensions).
_JAPANESE = re.compile(
    "[\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)


def contains_japanese(text: str) -> bool:
    """Return True if *text* contains any Hiragana, Katakana or CJK ideograph.

    Used to decide whether a person's name is shown family-name first (山田 太郎).
    Chinese ideographs count too: the script cannot tell the languages apart.

    >>> contains_japanese("山田 太郎"), contains_japanese("ﾔﾏﾀﾞ"), contains_japanese("Taro")
    (True, True, False)
    """
    _require_str(text, "text")
    return not text.isascii() and _JAPANESE.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Company names
# ---------------------------------------------------------------------------------------------

# Japanese legal forms are removed wherever they stand: Japanese has no word boundaries and
# the form may precede (前株) or follow (後株) the name. Longer forms come first so that
# 一般社団法人 wins over 社団法人. Patterns are written in normalised (NFKC, case-folded)
# form: ㈱ and （株） both become "(株)", ㍿ becomes 株式会社, ＮＰＯ becomes "npo".
_JAPANESE_FORMS = (
    "特定非営利活動法人",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会福祉法人",
    "独立行政法人",
    "国立大学法人",
    "医療法人社団",
    "医療法人財団",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "学校法人",
    "医療法人",
    "宗教法人",
    "社団法人",
    "財団法人",
    "npo法人",
    # Kana spellings, as found in furigana (reading) fields.
    "カブシキガイシャ",
    "カブシキカイシャ",
    "ユウゲンガイシャ",
    "ユウゲンカイシャ",
    "ゴウドウガイシャ",
    "ゴウドウカイシャ",
    "ゴウシガイシャ",
    "ゴウメイガイシャ",
)
# Abbreviations only count inside brackets: a bare 株 or 同 is part of a name.
_JAPANESE_ABBREVIATIONS = (
    "株",
    "有",
    "同",
    "資",
    "名",
    "社",
    "財",
    "特",
    "特非",
    "一社",
    "一財",
    "公社",
    "公財",
    "医",
    "学",
    "福",
    "独",
    "宗",
    # Bank-style (全銀) abbreviations in half-width kana: (ｶ) 株式会社, (ﾕ) 有限会社,
    # (ﾄﾞ) 合同会社, (ｼ) 合資会社, (ﾒ) 合名会社, (ｻﾞｲ) 財団法人, (ｼﾔ) 社団法人, (ｲ) 医療法人.
    "カ",
    "ユ",
    "ド",
    "シ",
    "メ",
    "ザイ",
    "シヤ",
    "イ",
    "ガク",
    "フク",
)
_ABBREVIATION = "(?:" + "|".join(sorted(_JAPANESE_ABBREVIATIONS, key=len, reverse=True)) + ")"
_BANK_KANA = "(?:カ|ユ|ド|シ|メ|ザイ|シヤ|イ|ガク|フク)"
_JAPANESE_LEGAL = re.compile(
    "|".join(_JAPANESE_FORMS)
    + r"|\(\s*"
    + _ABBREVIATION
    + r"\s*\)"
    # Bank style writes a form before the name as "ｶ)" and after it as "(ｶ".
    + f"|^{_BANK_KANA}\\)|\\({_BANK_KANA}$"
)

# English (and European) legal forms, matched as whole words only, after dotted initials
# have been collapsed ("L.L.C." -> "llc", "K.K." -> "kk"). Punctuation around them ("Co.,",
# "Inc.") is dropped later with everything else. A hyphen joined to a letter does not end a
# word, so "co-op" and "ag-tech" keep their "co" and "ag".
_ENGLISH_FORMS = (
    r"inc(?:orporated)?",
    r"corp(?:oration)?",
    r"co(?:mpany)?",
    r"ltd",
    r"limited",
    r"llc",
    r"llp",
    r"plc",
    r"gmbh",
    r"ag",
    r"sas?",
    r"bv",
    r"nv",
    r"pty",
    r"pte",
    r"kk",
    r"(?:kabushiki|yugen|godo)[\s-]?[kg]aisha",
)
_ENGLISH_LEGAL = re.compile(
    r"(?<![^\W_])(?<![^\W_]-)(?:" + "|".join(_ENGLISH_FORMS) + r")(?![^\W_])(?!-[^\W_])"
)
# Two or more single letters each followed by a dot: "a.b.c.", "u.s.a", "k. k.".
_DOTTED_INITIALS = re.compile(r"(?<![\w.])[^\W\d_](?:\.\s?[^\W\d_])+\.?(?![^\W_])")
_NOT_ALNUM = re.compile(r"[\W_]+")


def _join_initials(match: re.Match[str]) -> str:
    return _NOT_ALNUM.sub("", match.group())


def _remove_japanese_forms(text: str) -> str:
    # Repeat: removing one form can join the halves of another ("株式株式会社会社").
    while True:
        text, count = _JAPANESE_LEGAL.subn("", text)
        if not count:
            return text


def _strip_legal_forms(text: str) -> str:
    """Remove legal forms from normalised *text* and return it compacted (letters/digits)."""
    ascii_only = text.isascii()
    if not ascii_only:
        # Replace with a space, not "", so an English form next to it stays a whole word.
        text = _JAPANESE_LEGAL.sub(" ", text)
    if "." in text:
        text = _DOTTED_INITIALS.sub(_join_initials, text)
    text = _NOT_ALNUM.sub("", _ENGLISH_LEGAL.sub(" ", text))
    if not ascii_only:
        # A form broken up by spaces or punctuation ("株式 会社") only shows once compacted.
        text = _remove_japanese_forms(text)
    return text


def company_key(name: str) -> str:
    """Return a key for matching company names, ignoring legal form, width, case, punctuation.

    Steps: :func:`normalise_text`; remove legal forms wherever they stand (株式会社 before or
    after the name, （株）, ㈱, ㍿, 有限会社, 合同会社, 一般社団法人, NPO法人, ... and, as
    whole words only, Inc., Corp., Co., Ltd., LLC, PLC, GmbH, AG, S.A., B.V., K.K.,
    Kabushiki Kaisha, ...); then drop everything that is not a letter or digit (punctuation,
    symbols, spaces, and combining marks NFKC could not compose).

    Decisions a caller should know:

    * Dots between single letters are dropped, so ``"A.B.C. Corporation"`` matches
      ``"ABC Inc."``; this is also how ``"L.L.C."`` and ``"K.K."`` are recognised.
    * English forms are whole words: ``"Cosmo"`` keeps its "co", ``"Incubator"`` its "inc",
      and a hyphenated word (``"Co-op"``) is left alone.
    * Japanese forms are removed anywhere, also in the middle ("ABC株式会社東京支店").
    * If nothing but legal forms is left (a company literally named "Company"), the key
      keeps them, so the key is empty only when *name* has no letters or digits.
    * ``company_key(company_key(x)) == company_key(x)``.

    >>> company_key("株式会社ABC"), company_key("ABC(株)"), company_key("ABC, Inc.")
    ('abc', 'abc', 'abc')
    >>> company_key("株式会社 山田製作所") == company_key("㈱山田製作所") == "山田製作所"
    True
    >>> company_key("Cosmo Incubator Co., Ltd."), company_key("Company")
    ('cosmoincubator', 'company')
    """
    text = normalise_text(name)
    key = _strip_legal_forms(text)
    if not key:
        # Nothing but legal forms: keep them. Stripping once more keeps the key a fixed
        # point when the compacted text still contains a form ("(株)株式会社" -> "株").
        compact = _NOT_ALNUM.sub("", text)
        key = _strip_legal_forms(compact) or compact
    if not key.isascii() and not unicodedata.is_normalized("NFKC", key):
        # Dropping characters joined two that NFKC composes (Hangul jamo); go again so the
        # key stays idempotent.
        return company_key(key)
    return key


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # Global webmail
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "protonmail.ch",
        "proton.me",
        "pm.me",
        "tutanota.com",
        "zoho.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.com",
        "yandex.ru",
        # Japan: webmail, mobile carriers, ISPs
        "yahoo.co.jp",
        "hotmail.co.jp",
        "outlook.jp",
        "live.jp",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "ymobile.ne.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "plala.or.jp",
        "excite.co.jp",
        "livedoor.com",
        "infoseek.jp",
        # China, Korea
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
    }
)


def email_key(email: str) -> str:
    """Return *email* as a matching key: NFKC, trimmed and lower-cased as a whole.

    Provider-specific rewrites (Gmail ignores dots and "+tag"s in the local part) are *not*
    applied: other providers treat ``a.b@`` and ``ab@`` as different mailboxes, and
    plus-addressing is not universal, so doing it in general would merge different people.

    >>> email_key("  Taro.Yamada+News@Example.CO.JP ")
    'taro.yamada+news@example.co.jp'
    >>> email_key("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")
    'taro@example.jp'
    """
    _require_str(email, "email")
    return _nfkc(email).strip().lower()


def _domain(key: str) -> str:
    # The part after the last "@", without the trailing dot of a fully qualified name.
    return key.rpartition("@")[2].rstrip(".")


def email_domain(email: str) -> str | None:
    """Return the lower-cased domain of *email*, or None without an "@" or nothing after it.

    The domain is what follows the *last* "@"; a trailing dot is dropped.

    >>> email_domain("Taro@Example.CO.JP"), email_domain("taro"), email_domain("taro@")
    ('example.co.jp', None, None)
    """
    if email.__class__ is str and email.isascii():
        # The common case, read without building the whole key: ASCII is already NFKC,
        # and only the end of the address matters (scoring asks for every lead).
        _, at, domain = email.rstrip().rpartition("@")
        return (domain.lower().rstrip(".") or None) if at else None
    key = email_key(email)
    if "@" not in key:
        return None
    return _domain(key) or None


def website_domain(website: str) -> str | None:
    """The host of a website address, lower-cased and without ``www.``; ``None`` if none.

    The one website normaliser: repositories index accounts by it, conversion matches
    accounts with it and duplicate rules compare company domains with it. A host must
    hold a dot, so an intranet name (``"intranet/abc"``) is no company domain.

    >>> website_domain("https://www.Example.co.jp/about"), website_domain("example.com")
    ('example.co.jp', 'example.com')
    >>> website_domain("not a site") is None, website_domain("intranet/abc") is None
    (True, True)
    """
    _require_str(website, "website")
    text = website.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host or " " in host:
        return None
    host = host.rstrip(".")
    return host.removeprefix("www.") or None


def is_free_mail(email_or_domain: str) -> bool:
    """Return True for an address or domain of a free or consumer mail provider.

    Accepts a whole address or a bare domain. Subdomains of a listed domain count too
    (some Japanese ISPs hand out ``user@xx.plala.or.jp``).

    >>> is_free_mail("taro@Gmail.com"), is_free_mail("docomo.ne.jp"), is_free_mail("acme.co.jp")
    (True, True, False)
    """
    domain = _domain(email_key(email_or_domain))
    while domain not in FREE_MAIL_DOMAINS:
        _, dot, domain = domain.partition(".")
        if not dot:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------


class _Country(NamedTuple):
    calling_code: str
    # Dialled before a national number inside the country, dropped internationally.
    trunk_prefix: str
    # Dialled before a country code to call abroad; longest first so "010" beats "00".
    international_prefixes: tuple[str, ...]


_COUNTRIES: dict[str, _Country] = {
    "JP": _Country("81", "0", ("010", "00")),
    "US": _Country("1", "1", ("011", "00")),
    "CA": _Country("1", "1", ("011", "00")),
    "GB": _Country("44", "0", ("00",)),
    "DE": _Country("49", "0", ("00",)),
    "FR": _Country("33", "0", ("00",)),
    # Italy and Spain have no trunk prefix: Italian numbers keep their leading 0.
    "IT": _Country("39", "", ("00",)),
    "ES": _Country("34", "", ("00",)),
    "NL": _Country("31", "0", ("00",)),
    "CH": _Country("41", "0", ("00",)),
    "KR": _Country("82", "0", ("00700", "001", "002", "005", "006", "008", "00")),
    "CN": _Country("86", "0", ("00",)),
    "TW": _Country("886", "0", ("002", "005", "006", "007", "009", "00")),
    "HK": _Country("852", "", ("001", "00")),
    "SG": _Country("65", "", ("000", "001", "002", "008", "00")),
    "TH": _Country("66", "0", ("001", "00")),
    "VN": _Country("84", "0", ("00",)),
    "PH": _Country("63", "0", ("00",)),
    "ID": _Country("62", "0", ("001", "007", "008", "00")),
    "MY": _Country("60", "0", ("00",)),
    "IN": _Country("91", "0", ("00",)),
    "AU": _Country("61", "0", ("0011",)),
    "NZ": _Country("64", "0", ("00",)),
}
# Country calling codes form a prefix code, so a number starts with at most one of these.
_BY_CALLING_CODE = {country.calling_code: country for country in _COUNTRIES.values()}
_CALLING_CODE_LENGTHS = sorted({len(code) for code in _BY_CALLING_CODE})

# Everything from an extension marker on is dropped: "ext. 12", "extension 12", "x12",
# "内線12", "#12" (RFC 3966 ";ext=12" is covered by "ext").
_EXTENSION = re.compile(r"(?i:(?<![a-z])(?:ext|x\s*\.?\s*(?=\d))|内線|#)")
# A "+" before the first digit marks an international number ("tel:+81", "(+81)").
_LEADING_PLUS = re.compile(r"[^0-9+]*\+")
# "(0)" after the country code: the trunk prefix, not dialled from abroad.
_TRUNK_IN_PARENS = re.compile(r"\(\s*0\s*\)")
_DIGIT_RUN = re.compile(r"\d+")


def _country(default_country: str) -> _Country:
    _require_str(default_country, "default_country")
    country = _COUNTRIES.get(default_country.upper())
    if country is None:
        raise ValidationError(
            f"unknown country {default_country!r}; expected one of {', '.join(sorted(_COUNTRIES))}",
            path="default_country",
        )
    return country


def _digit_groups(text: str) -> list[str]:
    groups = _DIGIT_RUN.findall(text)
    if not text.isascii():
        # NFKC leaves other scripts' digits (٣, ३) alone; spell them in ASCII.
        groups = ["".join(str(unicodedata.decimal(char)) for char in group) for group in groups]
    return groups


def _drop_digits(groups: list[str], count: int) -> list[str]:
    """Remove the first *count* digits from *groups*, dropping groups that become empty."""
    index = 0
    while count and index < len(groups):
        if len(groups[index]) > count:
            return [groups[index][count:], *groups[index + 1 :]]
        count -= len(groups[index])
        index += 1
    return groups[index:]


def _drop_trunk(groups: list[str], trunk: str) -> list[str]:
    """Remove leading trunk prefixes from *groups*.

    All of them, not just one: no national significant number starts with its country's
    trunk prefix, and stripping one only would let ``phone_key(phone_key(x))`` differ.
    """
    if not trunk:
        return groups
    digits = "".join(groups)
    count = 0
    while digits.startswith(trunk, count):
        count += len(trunk)
    return _drop_digits(groups, count)


def _parse_phone(phone: str, default_country: str) -> tuple[str, list[str]]:
    """Split *phone* into (calling code, national digit groups).

    The calling code is "" only for an international number whose country code is neither
    in the table nor written as a separate group (the digits then all stay in the groups).
    """
    country = _country(default_country)
    _require_str(phone, "phone")
    text = _nfkc(phone)
    extension = _EXTENSION.search(text)
    if extension is not None:
        text = text[: extension.start()]

    groups = _digit_groups(text)
    digits = "".join(groups)
    if _LEADING_PLUS.match(text):
        prefix_length = 0
    else:
        prefix = next((p for p in country.international_prefixes if digits.startswith(p)), None)
        if prefix is None:
            if _country_code_without_plus(groups, country):
                return _split_calling_code(groups)
            return country.calling_code, _drop_trunk(groups, country.trunk_prefix)
        prefix_length = len(prefix)

    if "(" in text:
        # Replaced by a space so "+81(0)3" still splits into the groups "81" and "3".
        groups = _digit_groups(_TRUNK_IN_PARENS.sub(" ", text))
    groups = _drop_digits(groups, prefix_length)
    return _split_calling_code(groups)


def _country_code_without_plus(groups: list[str], country: _Country) -> bool:
    """Whether *groups* start with a country code written without "+" (``81-3-1234-5678``).

    Only where the default country dials a trunk prefix: a national number there starts
    with it, so a first group that is a known calling code and not the trunk prefix is a
    country code; the rest must still look like a number (six digits or more).
    """
    trunk = country.trunk_prefix
    first = groups[0] if len(groups) > 1 else ""
    return (
        bool(trunk)
        and first in _BY_CALLING_CODE
        and not first.startswith(trunk)
        and sum(len(group) for group in groups[1:]) >= 6
    )


def _split_calling_code(groups: list[str]) -> tuple[str, list[str]]:
    digits = "".join(groups)
    for length in _CALLING_CODE_LENGTHS:
        known = _BY_CALLING_CODE.get(digits[:length])
        if known is not None:
            # "+81 03-..." is a common slip: the trunk prefix written after the country code.
            return known.calling_code, _drop_trunk(_drop_digits(groups, length), known.trunk_prefix)
    if len(groups) > 1 and len(groups[0]) <= 3:
        # Unknown country: trust the writer's grouping ("+998 71 ...").
        return groups[0], groups[1:]
    return "", groups


def phone_key(phone: str, *, default_country: str = "JP") -> str:
    """Return *phone* in canonical international form: "+" + country code + national number.

    National numbers get *default_country*'s calling code, minus its trunk prefix ("0" in
    Japan, "1" in the US/Canada; Italy keeps its leading 0). International numbers are
    recognised by a leading "+" or an international prefix of *default_country* ("00", and
    "010" from Japan, "011" from the US); a trunk prefix after the country code, written
    "(0)" or not, is dropped. A first group that is a known country code, written without
    "+" (``81-3-1234-5678``), counts as one where *default_country* has a trunk prefix (a
    national number there starts with it). Extensions ("ext. 12", "x12", "内線12", "#12") are
    ignored.
    Returns "" when *phone* has no digits (or nothing after the country code).

    Supported countries: AU CA CH CN DE ES FR GB HK ID IN IT JP KR MY NL NZ PH SG TH TW US VN;
    anything else raises :class:`~leadkit.errors.ValidationError`.

    >>> phone_key("03-1234-5678"), phone_key("+81 (0)3 1234 5678"), phone_key("010-81-3-1234-5678")
    ('+81312345678', '+81312345678', '+81312345678')
    >>> phone_key("81-3-1234-5678"), phone_key("０３－１２３４－５６７８")
    ('+81312345678', '+81312345678')
    >>> phone_key("(212) 555-0123 ext. 4", default_country="US")
    '+12125550123'
    """
    calling_code, groups = _parse_phone(phone, default_country)
    national = "".join(groups)
    return f"+{calling_code}{national}" if national else ""


def phone_sections(phone: str, *, default_country: str = "JP") -> tuple[str, ...]:
    """Return the digit groups of *phone* as written, without country code or trunk prefix.

    A group is a maximal run of digits (after NFKC and dropping any extension); the
    international prefix, the country code and the trunk prefix are removed from the front,
    exactly as :func:`phone_key` does, and emptied groups vanish. So
    ``"".join(phone_sections(p))`` is :func:`phone_key` without "+" and country code, and
    numbers written with different separators have different sections but the same key.

    >>> phone_sections("03-1234-5678"), phone_sections("+81 (0)3-1234-5678")
    (('3', '1234', '5678'), ('3', '1234', '5678'))
    >>> phone_sections("0312345678"), phone_sections("tel")
    (('312345678',), ())
    >>> phone_sections("1-800-555-0199", default_country="US")
    ('800', '555', '0199')
    """
    return tuple(_parse_phone(phone, default_country)[1])
