"""How the same person gets written differently: the variations behind deliberate duplicates.

Each function takes one way of writing a value and returns another that a careful
matcher should still recognise (the matching keys of :mod:`leadkit.model` agree), or
``None`` when the variation does not apply to that value.
"""

from __future__ import annotations

import enum
import random
import re
import unicodedata

from leadkit.sample._words import EN_LEGAL_SPELLINGS, JA_ABBREVIATIONS, JA_CIRCLED, KANJI_VARIANTS

__all__ = [
    "Variation",
    "email_case",
    "en_company_spellings",
    "fullwidth",
    "halfwidth_kana",
    "ja_company_spellings",
    "name_typo",
    "phone_variant",
    "width_variant",
]


class Variation(enum.StrEnum):
    """How a deliberate duplicate differs from the record it copies."""

    WIDTH = "width"
    """全角/半角: ＡＢＣ for ABC, ｱｰｸ for アーク, full-width digits in a phone number."""
    LEGAL_FORM = "legal_form"
    """The legal form written another way: 株式会社ABC, ABC(株), ㈱ABC; Inc. or Incorporated."""
    CASE = "case"
    """The company name in another case: ACME ANALYTICS INC."""
    NAME_TYPO = "name_typo"
    """One letter of the name changed (a variant or mistyped kanji in Japanese: 髙橋, 一朗)."""
    PHONE_FORMAT = "phone_format"
    """The phone number formatted differently: 03-1234-5678, +81 3 1234 5678, 0312345678."""
    EMAIL_CASE = "email_case"
    """The same e-mail address in other letter case: Taro.Yamada@ABC.co.jp."""
    PERSONAL_EMAIL = "personal_email"
    """A personal (free-mail) address instead of the work one."""


_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


def fullwidth(text: str) -> str:
    """ASCII letters, digits, punctuation and spaces in their full-width forms (ＡＢＣ)."""
    return text.translate(_FULLWIDTH)


def _halfwidth_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1:
            table.setdefault(full, half)
    # Voiced and semi-voiced kana (ガ, パ) are a base kana plus a mark in half width: ｶﾞ.
    for code in range(0x30A1, 0x30FB):
        full = chr(code)
        base, *marks = list(unicodedata.normalize("NFD", full))
        if marks and base in table:
            mark = {"\u3099": "\uff9e", "\u309a": "\uff9f"}.get(marks[0])
            if mark:
                table[full] = table[base] + mark
    return table


_HALFWIDTH_KANA = _halfwidth_table()
_HAS_KATAKANA = re.compile("[\u30a1-\u30fc]")


def halfwidth_kana(text: str) -> str:
    """Katakana in half-width forms (ｱｰｸ for アーク); everything else unchanged."""
    return "".join(_HALFWIDTH_KANA.get(char, char) for char in text)


def width_variant(text: str) -> str | None:
    """Full-width Latin letters and digits, else half-width katakana, else ``None``."""
    if any(char.isascii() and char.isalnum() for char in text):
        return fullwidth(text)
    if _HAS_KATAKANA.search(text):
        return halfwidth_kana(text)
    return None


def ja_company_spellings(root: str, form: str, form_first: bool) -> list[str]:
    """Ways to write a Japanese company: the form before or after the name, abbreviated
    in brackets (ABC(株), (株)ABC, ABC（株）), circled (㈱ABC), or in English (ABC Co., Ltd.)."""
    spellings = [f"{root}{form}" if form_first else f"{form}{root}"]
    abbreviation = JA_ABBREVIATIONS.get(form)
    if abbreviation:
        spellings += [f"{abbreviation}{root}", f"{root}{abbreviation}"]
        spellings.append(f"{root}（{abbreviation[1:-1]}）")
    if form in JA_CIRCLED:
        spellings.append(f"{JA_CIRCLED[form]}{root}")
    if root.isascii() and form == "株式会社":
        spellings.append(f"{root} Co., Ltd.")
    return spellings


def en_company_spellings(root: str, form: str) -> list[str]:
    """Ways to write an English company's legal form (Inc., Incorporated, , Inc. ...)."""
    return [
        f"{root}{spelling}" if spelling.startswith(",") else f"{root} {spelling}"
        for spelling in EN_LEGAL_SPELLINGS[form]
    ]


_KEYBOARD_NEIGHBOURS = {
    "a": "qs", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}  # fmt: skip


def name_typo(name: str, rng: random.Random) -> str | None:
    """``name`` with one letter wrong: a variant kanji, or a Latin letter replaced,
    dropped or doubled. ``None`` when no letter can be changed."""
    if not name.isascii():
        positions = [i for i, char in enumerate(name) if char in KANJI_VARIANTS]
        if not positions:
            return None
        i = rng.choice(positions)
        return name[:i] + KANJI_VARIANTS[name[i]] + name[i + 1 :]
    if len(name) < 3:
        return None
    i = rng.randrange(1, len(name))
    char = name[i]
    how = rng.randrange(3) if char.lower() in _KEYBOARD_NEIGHBOURS else 2
    if how == 0:
        new = rng.choice(_KEYBOARD_NEIGHBOURS[char.lower()])
        return name[:i] + (new.upper() if char.isupper() else new) + name[i + 1 :]
    if how == 1 and len(name) > 3:
        return name[:i] + name[i + 1 :]
    return name[:i] + char + name[i:]


_DIGITS = re.compile(r"\d+")


def phone_variant(phone: str, rng: random.Random) -> str:
    """The same number formatted another way (international, without separators ...)."""
    groups = _DIGITS.findall(phone)
    if phone.startswith("("):  # a US number: (415) 555-0123
        area, exchange, line = groups
        options = [
            f"{area}-{exchange}-{line}",
            f"+1 {area} {exchange} {line}",
            f"{area}.{exchange}.{line}",
            f"1-{area}-{exchange}-{line}",
            f"{area}{exchange}{line}",
        ]
    else:  # a Japanese number: 03-1234-5678
        area, local, line = groups
        options = [
            f"+81 {area[1:]} {local} {line}",
            f"{area}{local}{line}",
            f"{area}({local}){line}",
            f"+81-{area[1:]}-{local}-{line}",
            fullwidth(phone).replace("－", "ー"),
        ]
    return rng.choice(options)


def email_case(email: str, rng: random.Random) -> str:
    """The address with some letters upper-cased (mail servers ignore the case)."""
    local, _, domain = email.partition("@")
    capitalised = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
    options = [f"{capitalised}@{domain}", f"{capitalised}@{domain.upper()}", email.upper()]
    return rng.choice(options)
