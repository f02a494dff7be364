"""Person names: Jaro-Winkler on family and given names, initials, transposition, kana."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple

import attrs

from leadkit.dedupe._comparator import (
    Scorer,
    check_unit,
    field_option,
    flag,
    metric_name,
    points,
)
from leadkit.dedupe._fields import MatchContext, read_field
from leadkit.dedupe._japanese import (
    family_prefix,
    fold_japanese,
    known_family,
    romaji_key,
    strip_honorifics,
)
from leadkit.dedupe._keys import initial_key, kana_key, name_key, person_name
from leadkit.dedupe._memo import Memo, memo_field
from leadkit.dedupe._prepare import Derived
from leadkit.dedupe._romaji import guess_sound
from leadkit.dedupe._similarity import metric
from leadkit.errors import ValidationError
from leadkit.model import PersonName, contains_japanese, normalise_text

__all__ = ["NameMatch", "NamePart", "ParsedName", "parse_name", "split_full_name"]


# ---------------------------------------------------------------------------------------------
# Person names
# ---------------------------------------------------------------------------------------------

NamePart = Literal["full", "family", "given", "initial"]
_NAME_PARTS = ("full", "family", "given", "initial")


def _is_initial(text: str) -> bool:
    # Only Latin initials: a one-character Japanese given name (健, 誠) is a whole name.
    return len(text) == 1 and text.isascii()


def _name_part(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _NAME_PARTS:
        raise ValidationError(
            f"unknown name part {value!r}; expected one of {', '.join(_NAME_PARTS)}",
            path=f"{type(instance).__name__}.{attribute.name}",
        )


def _default_name_threshold(instance: NameMatch) -> float:
    return 1.0 if instance.part == "initial" else 0.9


@attrs.frozen
class NameMatch:
    """Person names (a :class:`~leadkit.model.PersonName` field), compared by ``part``.

    * ``"full"``: family and given names by Jaro-Winkler, averaged. ``initials`` lets
      ``"J."`` match ``"John"``; ``transposition`` lets given and family names swap
      (``太郎 山田`` typed the wrong way round); with one given name missing the family
      names decide, or the whole names run together (``"山田太郎"`` in the family field).
    * ``"family"`` or ``"given"``: that part alone (a missing given name is blank).
    * ``"initial"``: the first letter of the given name, in Latin script. Other scripts
      have no initials: there the first kana of the readings decides when both records
      have one (一郎 and 一朗 read イチロウ; 大翔 ヒロト is not 大輔 ダイスケ), else the whole
      given name.

    With ``kana`` the readings (フリガナ, hiragana or katakana) are compared too when both
    records have them, and the better similarity counts: 髙橋 and 高橋 read タカハシ alike.
    Parts are compared without spaces and punctuation (``"O'Brien"`` = ``"OBRIEN"``).

    ``strict=True`` is the comparison for Japanese B2B data (名寄せ) that the standard
    rules use. Names are first read as :func:`parse_name` does: honorifics and titles
    dropped (様, 殿, さん, Mr.), a full name typed into one field split (山田太郎 →
    山田 + 太郎), variant kanji folded (髙橋 → 高橋), and for Latin script both orders
    tried (Yamada Taro = Taro Yamada). Then a part agrees (1.0) when the written forms are
    equal, or the readings are (kanji on one record, kana or romaji on the other: 山田 with
    the reading ヤマダ = ヤマダ = Yamada), or a given name is the other's initial. No
    fuzzy similarity: a prefix (真一 / 真一郎, Kenichi / Kenichiro) or one different
    letter or kanji (Takahiro / Takahito, 正弘 / 正彦) is not agreement, and two given
    names in different kanji with the same reading (裕子 / 優子, both ユウコ) score 0.5:
    weak evidence, below the default threshold. Two given names that are present and
    disagree *contradict* each other, which keeps :func:`find_duplicates` from chaining
    them into one cluster through a third record.

    ``guessed_readings=True`` (strict only) lets a name written in kanji without a reading
    agree with a reading or romaji written on the other record through the reading
    pykakasi guesses for it (千葉 → chiba = チバ = Chiba), when the ``romaji`` extra is
    installed (``pip install 'leadkit[romaji]'``); without it the option changes nothing.
    Guesses are weak evidence: two guesses are never compared, a guess never makes two
    names contradict, and the standard rules accept names agreeing through a guess only
    with a shared phone or mobile number, never with the company alone.

    >>> from leadkit.dedupe import NameMatch
    >>> from leadkit.model import PersonName
    >>> rule = NameMatch()
    >>> score = rule.scorer()
    >>> score(rule.name_key(PersonName("Smith", "J.")), rule.name_key(PersonName("Smith", "John")))
    1.0
    >>> score(rule.name_key(PersonName("太郎", "山田")), rule.name_key(PersonName("山田", "太郎")))
    1.0
    """

    field: str = field_option("name")
    part: NamePart = attrs.field(default="full", validator=_name_part, kw_only=True)
    metric: str = attrs.field(default="jaro_winkler", validator=metric_name, kw_only=True)
    threshold: float = attrs.field(
        default=attrs.Factory(_default_name_threshold, takes_self=True),
        validator=check_unit,
        kw_only=True,
    )
    initials: bool = flag(True)
    transposition: bool = flag(True)
    kana: bool = flag(True)
    strict: bool = flag()
    guessed_readings: bool = flag()
    weight: float = points(1.0)
    penalty: float = points(0.0)
    match_blank: bool = flag()

    @property
    def method(self) -> str:
        """``"initial"``, or the metric with the part: ``"jaro_winkler(family)"``;
        ``"strict(family)"`` for a strict comparison, ``"strict+guessed(family)"`` with
        guessed readings."""
        if self.part == "initial":
            return "initial"
        if self.strict:
            return (
                f"strict+guessed({self.part})" if self.guessed_readings else f"strict({self.part})"
            )
        return f"{self.metric}({self.part})"

    def value(self, record: Any, context: MatchContext) -> object:
        """The part compared, as stored: the display name for ``"full"``, else the family
        or given name (with its reading when there is one). Strict comparisons add what
        reading the name changed: ``髙橋 → 高橋``, ``山田太郎様 → 山田 | 太郎``."""
        name = person_name(read_field(record, self.field, context), self.field)
        if name is not None and self.strict and self.part != "initial":
            return _strict_value(name, self.part, self.guessed_readings)
        if name is None or self.part == "full":
            return None if name is None else name.display
        written: str | None = name.family if self.part == "family" else name.given
        reading = name.family_kana if self.part == "family" else name.given_kana
        return f"{written} ({reading})" if written and reading else written

    def key(self, record: Any, context: MatchContext) -> Hashable | None:
        """The name part(s) as keys."""
        return self.memo_key(record, context, {})

    def memo_key(self, record: Any, context: MatchContext, memo: Memo) -> Hashable | None:
        """:meth:`key`, sharing *memo* with the rule's other criteria and blocks."""
        if self.strict and self.part != "initial":
            return _strict_part(memo_readings(record, self.field, context, memo), self.part)
        name = person_name(memo_field(record, self.field, context, memo), self.field)
        return None if name is None else self.name_key(name)

    @property
    def key_recipe(self) -> Derived:
        """:meth:`key` as a recipe of the name field (see ``_prepare``)."""
        if self.strict and self.part != "initial":
            return Derived(_strict_step(self.part), (readings_node(self.field),))
        return Derived(_plain_step(self, self.field), (self.field,))

    def name_key(self, name: Any) -> Hashable | None:
        """The key of a PersonName for this comparator's part (None when blank)."""
        if self.strict and self.part != "initial":
            return _strict_key(name, self.part)
        family = name_key(name.family)
        given = name_key(name.given) if name.given else None
        part = self.part
        if part == "initial":
            if not given:
                return None
            reading = kana_key(name.given_kana) if self.kana else None
            return initial_key(given), reading[0] if reading else None
        if part == "given":
            return None if given is None else (given, kana_key(name.given_kana))
        if family is None:
            return None
        if part == "family":
            return family, kana_key(name.family_kana)
        return family, given, kana_key(name.family_kana), kana_key(name.given_kana)

    @property
    def contradicting(self) -> bool:
        """Whether this comparison can show two records to be different people (strict
        given or full names)."""
        return self.strict and self.part in ("given", "full")

    def contradicts(self, left: Any, right: Any) -> bool:
        """Whether two keys show different people: strict given names, both present (not
        initials), that disagree."""
        if not self.strict or self.part not in ("given", "full"):
            return False
        return _best(left, right)[2]

    def scorer(self) -> Scorer:
        """The similarity of two keys of this part."""
        if self.strict and self.part != "initial":
            return _STRICT_SCORERS[self.part, self.guessed_readings]
        similarity = metric(self.metric)
        kana = self.kana
        initials = self.initials
        transposition = self.transposition

        def pair(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            score = similarity(left, right)
            if kana and left_kana and right_kana and score < 1.0:
                score = max(score, similarity(left_kana, right_kana))
            return score

        def given(left: str, right: str, left_kana: str | None, right_kana: str | None) -> float:
            if initials and (_is_initial(left) or _is_initial(right)):
                return 1.0 if left[0] == right[0] else 0.0
            return pair(left, right, left_kana, right_kana)

        def part_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return pair(left[0], right[0], left[1], right[1])

        def given_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
            return given(left[0], right[0], left[1], right[1])

        def full(left: tuple[Any, ...], right: tuple[Any, ...]) -> float:
            family_a, given_a, family_kana_a, given_kana_a = left
            family_b, given_b, family_kana_b, given_kana_b = right
            family_score = pair(family_a, family_b, family_kana_a, family_kana_b)
            if given_a is not None and given_b is not None:
                score = (family_score + given(given_a, given_b, given_kana_a, given_kana_b)) / 2
                if transposition and score < 1.0:
                    swapped = (similarity(family_a, given_b) + similarity(given_a, family_b)) / 2
                    score = max(score, swapped)
                return score
            if given_a is None and given_b is None:
                return family_score
            # One given name is missing: the family names decide, or the whole names run
            # together (a full name typed into the family name field).
            forms_a = _whole_forms(family_a, given_a, transposition)
            forms_b = _whole_forms(family_b, given_b, transposition)
            whole = max(similarity(a, b) for a in forms_a for b in forms_b)
            return max(family_score, whole)

        if self.part == "initial":
            return _initial_score
        if self.part == "family":
            return part_score
        if self.part == "given":
            return given_score
        return full


def _initial_score(left: tuple[str, str | None], right: tuple[str, str | None]) -> float:
    # Readings decide when both records have one: 一郎 and 一朗 both read イチロウ.
    if left[1] is not None and right[1] is not None:
        return 1.0 if left[1] == right[1] else 0.0
    return 1.0 if left[0] == right[0] else 0.0


def _whole_forms(family: str, given: str | None, transposition: bool) -> tuple[str, ...]:
    if given is None:
        return (family,)
    return (family + given, given + family) if transposition else (family + given,)


# ---------------------------------------------------------------------------------------------
# Strict comparison: names read the way Japanese data needs (名寄せ)
# ---------------------------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[\W_]+")
_IDEOGRAPH = re.compile("[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


class _Part(NamedTuple):
    """One name part read for matching."""

    written: str  # normalised, folded, without spaces and punctuation
    reading: str | None  # the reading in katakana, folded
    sound: str | None  # romaji of the reading, or of a name written in kana or Latin
    kanji: bool  # written with kanji
    initial: bool  # a Latin initial ("T.")
    guess: str | None = None  # romaji of a guessed reading (kanji without one; extra)


class ParsedName(NamedTuple):
    """A name as :func:`parse_name` reads it: family and given name (None when there is
    none) as they will be compared, their readings, and whether the order is known."""

    family: str
    given: str | None
    family_kana: str | None
    given_kana: str | None
    order_known: bool


def split_full_name(text: str, *, reading: str | None = None) -> tuple[str, str | None]:
    """Split a full name typed into one field into (family name, given name).

    Honorifics go first (``"山田　太郎様"``). A name with a space splits there: Japanese
    script reads family name first; Latin script is family name first when the first word
    is a common Japanese family name and the last is not (``"Yamada Taro"``), else last
    (``"Taro Yamada"``, ``"John Smith"``). A name without a space splits after a common
    family name (山田太郎 → 山田, 太郎). What cannot be split reliably comes back whole,
    with None for the given name. *reading* is not needed to split; it is accepted so that
    callers can pass what they have.

    >>> split_full_name("山田　太郎様"), split_full_name("山田太郎"), split_full_name("Yamada Taro")
    (('山田', '太郎'), ('山田', '太郎'), ('Yamada', 'Taro'))
    >>> split_full_name("Taro Yamada"), split_full_name("John Smith"), split_full_name("鈴")
    (('Yamada', 'Taro'), ('Smith', 'John'), ('鈴', None))
    """
    cleaned = _strip_original(text)
    words = cleaned.split()
    if len(words) >= 2 and all(any(ch.isalnum() for ch in word) for word in words):
        if contains_japanese(cleaned):
            return words[0], " ".join(words[1:])
        first, last = words[0], words[-1]
        if known_family(first) and not known_family(last):
            return first, " ".join(words[1:])
        return last, " ".join(words[:-1])
    if len(words) == 1 and contains_japanese(cleaned):
        length = family_prefix(words[0])
        if length:
            return words[0][:length], words[0][length:]
    return cleaned or text, None


def _strip_original(text: str) -> str:
    """*text* (NFKC, spaces collapsed) without honorifics, keeping its case."""
    nfkc = " ".join(unicodedata.normalize("NFKC", text).split())
    stripped = strip_honorifics(nfkc.casefold())
    if stripped == nfkc.casefold():
        return nfkc
    # The honorifics are at the ends: cut the same number of characters off the original.
    start = nfkc.casefold().find(stripped)
    return nfkc[start : start + len(stripped)] if start >= 0 else stripped


def parse_name(name: PersonName) -> ParsedName:
    """How strict name matching reads *name*: honorifics dropped, a full name in the family
    field split (:func:`split_full_name`), and a reading with a space split the same way.

    >>> from leadkit.model import PersonName
    >>> parse_name(PersonName("山田太郎様", family_kana="ヤマダ タロウ"))[:4]
    ('山田', '太郎', 'ヤマダ', 'タロウ')
    >>> parse_name(PersonName("Taro", "Yamada")).order_known
    False
    """
    return _parse(name.family, name.given, name.family_kana, name.given_kana)


# Cached by the four texts: hashing them is much cheaper than hashing a PersonName.
@lru_cache(maxsize=1 << 16)
def _parse(
    family: str, given: str | None, family_kana: str | None, given_kana: str | None
) -> ParsedName:
    family = _strip_original(family)
    given = _strip_original(given) if given else None
    family_kana = " ".join(family_kana.split()) if family_kana else None
    given_kana = " ".join(given_kana.split()) if given_kana else None
    if not given:
        family, given = split_full_name(family)
    if family_kana and not given_kana and " " in family_kana:
        family_kana, given_kana = family_kana.split(" ", 1)
    latin = bool(given) and family.isascii() and bool(given and given.isascii())
    return ParsedName(family, given or None, family_kana, given_kana, not latin)


@lru_cache(maxsize=1 << 16)
def _part(text: str, reading: str | None) -> _Part:
    plain = _NOT_ALNUM.sub("", normalise_text(text))
    written = fold_japanese(plain)
    kana = kana_key(reading) if reading else None
    folded_reading = fold_japanese(kana) if kana else None
    sound = romaji_key(kana) if kana else None
    if sound is None and written:
        sound = romaji_key(plain)
    initial = len(written) == 1 and written.isascii()
    kanji = _IDEOGRAPH.search(written) is not None
    guess = guess_sound(written) if kanji and sound is None else None
    return _Part(written, folded_reading or None, sound, kanji, initial, guess)


Reading = tuple[tuple[_Part, "_Part | None"], ...]


def strict_readings(name: PersonName) -> Reading | None:
    """The interpretations of *name*: (family, given) parts, both orders for Latin script."""
    return _readings(name.family, name.given, name.family_kana, name.given_kana)


@lru_cache(maxsize=1 << 16)
def _readings(
    family_text: str, given_text: str | None, family_kana: str | None, given_kana: str | None
) -> Reading | None:
    parsed = _parse(family_text, given_text, family_kana, given_kana)
    family = _part(parsed.family, parsed.family_kana)
    if not family.written:
        return None
    given = _part(parsed.given, parsed.given_kana) if parsed.given else None
    if given is not None and not given.written:
        given = None
    if given is None:
        return ((family, None),)
    if parsed.order_known:
        return ((family, given),)
    return ((family, given), (given, family))


def _family_agree(a: _Part, b: _Part, guessed: bool = False) -> bool:
    return (
        a.written == b.written
        or (a.reading is not None and a.reading == b.reading)
        or (a.sound is not None and a.sound == b.sound)
        or (guessed and _guess_agrees(a, b))
    )


def _guess_agrees(a: _Part, b: _Part) -> bool:
    """A guessed reading (kanji without one) equal to the sound written on the other
    record; two guesses are never compared."""
    return (a.guess is not None and a.guess == b.sound) or (
        b.guess is not None and b.guess == a.sound
    )


def part_sound(part: _Part) -> str | None:
    """The part's sound for blocking: its reading or romaji, else a guessed reading."""
    return part.sound if part.sound is not None else part.guess


def _first_letter(part: _Part) -> str | None:
    if part.written.isascii():
        return part.written[0]
    return part.sound[0] if part.sound else None


def _given_score(a: _Part, b: _Part, guessed: bool = False) -> tuple[float, bool]:
    """(score, contradicts) of two given names."""
    if a.initial or b.initial:
        letters = _first_letter(a), _first_letter(b)
        return (1.0 if letters[0] is not None and letters[0] == letters[1] else 0.0), False
    if a.written == b.written:
        return 1.0, False
    if a.kanji and b.kanji:
        if a.reading is not None and a.reading == b.reading:
            return 0.5, False
        return 0.0, True
    if a.sound is not None and a.sound == b.sound:
        return 1.0, False
    if guessed and _guess_agrees(a, b):
        return 1.0, False
    comparable = (a.sound is not None and b.sound is not None) or (a.kanji == b.kanji)
    return 0.0, comparable


def _best(left: Reading, right: Reading, guessed: bool = False) -> tuple[float, float, bool]:
    """(family score, given score, contradicts) of the best-agreeing interpretations;
    *guessed*: a guessed reading may agree with a written one (never contradicts)."""
    best = (-1.0, -1.0, True)
    for family_a, given_a in left:
        for family_b, given_b in right:
            family = 1.0 if _family_agree(family_a, family_b, guessed) else 0.0
            if given_a is None or given_b is None:
                given, contradicts = (1.0 if given_a is given_b else 0.0), False
            else:
                given, contradicts = _given_score(given_a, given_b, guessed)
            if (family, given) > best[:2]:
                best = (family, given, contradicts)
    return best


_MISSING = object()


def memo_readings(record: Any, path: str, context: MatchContext, memo: Memo) -> Reading | None:
    """:func:`strict_readings` of the name at *path*, once per record (see ``_memo``)."""
    entry = ("readings", path)
    readings = memo.get(entry, _MISSING)
    if readings is _MISSING:
        name = person_name(memo_field(record, path, context, memo), path)
        readings = memo[entry] = None if name is None else strict_readings(name)
    result: Reading | None = readings
    return result


@cache
def _readings_step(path: str) -> Callable[[object], Reading | None]:
    def readings(value: object) -> Reading | None:
        name = person_name(value, path)
        return None if name is None else strict_readings(name)

    return readings


def readings_node(path: str) -> Derived:
    """:func:`strict_readings` of the name at *path* as a recipe (``memo_readings``)."""
    return Derived(_readings_step(path), (path,))


@cache
def _strict_step(part: str) -> Callable[[Reading | None], Hashable | None]:
    def strict(readings: Reading | None) -> Hashable | None:
        return _strict_part(readings, part)

    return strict


def _plain_step(match: NameMatch, path: str) -> Callable[[object], Hashable | None]:
    name_key = match.name_key

    def plain(value: object) -> Hashable | None:
        name = person_name(value, path)
        return None if name is None else name_key(name)

    return plain


def _strict_key(name: Any, part: str) -> Hashable | None:
    return _strict_part(strict_readings(name), part)


def _strict_part(readings: Reading | None, part: str) -> Hashable | None:
    if readings is None:
        return None
    if part == "given" and all(given is None for _, given in readings):
        return None
    return readings


def _strict_family(left: Reading, right: Reading) -> float:
    return max(1.0 if _family_agree(a, b) else 0.0 for a, _ in left for b, _ in right)


def _strict_given(left: Reading, right: Reading) -> float:
    return _best(left, right)[1]


def _strict_full(left: Reading, right: Reading) -> float:
    family, given, _ = _best(left, right)
    return (family + given) / 2


def _guessed_family(left: Reading, right: Reading) -> float:
    return max(1.0 if _family_agree(a, b, True) else 0.0 for a, _ in left for b, _ in right)


def _guessed_given(left: Reading, right: Reading) -> float:
    return _best(left, right, True)[1]


def _guessed_full(left: Reading, right: Reading) -> float:
    family, given, _ = _best(left, right, True)
    return (family + given) / 2


_STRICT_SCORERS: dict[tuple[str, bool], Scorer] = {
    ("family", False): _strict_family,
    ("given", False): _strict_given,
    ("full", False): _strict_full,
    ("family", True): _guessed_family,
    ("given", True): _guessed_given,
    ("full", True): _guessed_full,
}


def _strict_value(name: PersonName, part: str, guessed: bool = False) -> str | None:
    """The name as stored, and what strict reading made of it when that differs:
    ``髙橋 → 高橋``, ``山田太郎様 → 山田 | 太郎``, ``(山田太郎様) → 太郎`` for a given name
    split off the family field; with *guessed*, the reading guessed for a kanji part
    without one (``千葉 (reading guessed: chiba)``)."""
    parsed = parse_name(name)
    if part == "full":
        stored = name.display
        read = " | ".join(fold_japanese(p) for p in (parsed.family, parsed.given) if p)
    else:
        written = parsed.family if part == "family" else parsed.given
        if written is None:
            return None
        stored = name.family if part == "family" else (name.given or f"({name.family})")
        read = fold_japanese(written)
    reading = {"family": name.family_kana, "given": name.given_kana}.get(part)
    shown = f"{stored} ({reading})" if reading else stored
    if guessed and part != "full":
        readings = strict_readings(name)
        if readings is not None:
            family, given = readings[0]
            chosen = family if part == "family" else given
            if chosen is not None and chosen.guess is not None:
                shown = f"{shown} (reading guessed: {chosen.guess})"
    return shown if read == stored else f"{shown} → {read}"
