"""The 47 prefectures of Japan (都道府県) and the eight regions (地方) they belong to.

Prefectures are found from any common spelling: the full name (東京都), the short name
(東京), romaji with or without macrons, suffix or English word (Tokyo, Tōkyō, Tokyo-to,
Tokyo Metropolis, Osaka Prefecture, aichi ken), full-width text, or the JIS X 0401 code.

>>> find_prefecture("Tōkyō-to").name, find_prefecture("京都").romaji, find_prefecture("27").short
('東京都', 'Kyoto', '大阪')
>>> region_of("三重県"), Region.parse("Kansai")
(<Region.KINKI: '近畿'>, <Region.KINKI: '近畿'>)
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata

import attrs

from leadkit.errors import ValidationError

__all__ = [
    "PREFECTURES",
    "Prefecture",
    "Region",
    "find_prefecture",
    "parse_prefecture",
    "region_of",
]


class Region(enum.Enum):
    """A region of Japan in the usual eight-region scheme; the value is its Japanese name."""

    HOKKAIDO = "北海道"
    TOHOKU = "東北"
    KANTO = "関東"
    CHUBU = "中部"
    KINKI = "近畿"
    CHUGOKU = "中国"
    SHIKOKU = "四国"
    KYUSHU_OKINAWA = "九州・沖縄"

    @property
    def english(self) -> str:
        """The English name, e.g. ``"Kinki (Kansai)"``.

        >>> Region.KYUSHU_OKINAWA.english
        'Kyushu-Okinawa'
        """
        return _REGION_ENGLISH[self]

    @classmethod
    def parse(cls, text: str) -> Region:
        """Return the region *text* names, in Japanese or English, ignoring case and width.

        Also accepts 関西/Kansai for 近畿, 九州/Kyushu for 九州・沖縄, the member name
        (``"KYUSHU_OKINAWA"``) and a trailing 地方/region/area.

        >>> Region.parse("関西"), Region.parse("ｋａｎｔｏ region"), Region.parse("Chūgoku")
        (<Region.KINKI: '近畿'>, <Region.KANTO: '関東'>, <Region.CHUGOKU: '中国'>)
        """
        _require_str(text)
        key = _lookup_key(text)
        region = _REGION_INDEX.get(key)
        if region is None:
            region = _REGION_INDEX.get(_strip_suffix(key, _REGION_SUFFIXES))
        if region is None:
            expected = ", ".join(f"{r.value} ({r.english})" for r in cls)
            raise ValidationError(f"unknown region {text!r}; expected one of {expected}")
        return region


_REGION_ENGLISH = {
    Region.HOKKAIDO: "Hokkaido",
    Region.TOHOKU: "Tohoku",
    Region.KANTO: "Kanto",
    Region.CHUBU: "Chubu",
    Region.KINKI: "Kinki (Kansai)",
    Region.CHUGOKU: "Chugoku",
    Region.SHIKOKU: "Shikoku",
    Region.KYUSHU_OKINAWA: "Kyushu-Okinawa",
}


@attrs.frozen(slots=True)
class Prefecture:
    """One of the 47 prefectures of Japan.

    >>> tokyo = find_prefecture("Tokyo")
    >>> tokyo.code, tokyo.name, tokyo.short, tokyo.romaji, tokyo.region.english
    (13, '東京都', '東京', 'Tokyo', 'Kanto')
    """

    code: int
    """JIS X 0401 code, 1 (北海道) to 47 (沖縄県)."""
    name: str
    """Official name with its suffix: 東京都, 大阪府, 北海道, 愛知県."""
    short: str
    """Name without the 都/府/県 suffix: 東京, 大阪, 愛知; 北海道 stays 北海道."""
    romaji: str
    """Romanised name without macrons or suffix: Tokyo, Hyogo, Hokkaido."""
    region: Region


def _prefecture(code: int, name: str, romaji: str, region: Region) -> Prefecture:
    # 北海道 is a whole name: its 道 is not a suffix one drops in everyday use.
    short = name if name == "北海道" else name[:-1]
    return Prefecture(code, name, short, romaji, region)


_R = Region
PREFECTURES: tuple[Prefecture, ...] = tuple(
    _prefecture(code, name, romaji, region)
    for code, (name, romaji, region) in enumerate(
        [
            ("北海道", "Hokkaido", _R.HOKKAIDO),
            ("青森県", "Aomori", _R.TOHOKU),
            ("岩手県", "Iwate", _R.TOHOKU),
            ("宮城県", "Miyagi", _R.TOHOKU),
            ("秋田県", "Akita", _R.TOHOKU),
            ("山形県", "Yamagata", _R.TOHOKU),
            ("福島県", "Fukushima", _R.TOHOKU),
            ("茨城県", "Ibaraki", _R.KANTO),
            ("栃木県", "Tochigi", _R.KANTO),
            ("群馬県", "Gunma", _R.KANTO),
            ("埼玉県", "Saitama", _R.KANTO),
            ("千葉県", "Chiba", _R.KANTO),
            ("東京都", "Tokyo", _R.KANTO),
            ("神奈川県", "Kanagawa", _R.KANTO),
            ("新潟県", "Niigata", _R.CHUBU),
            ("富山県", "Toyama", _R.CHUBU),
            ("石川県", "Ishikawa", _R.CHUBU),
            ("福井県", "Fukui", _R.CHUBU),
            ("山梨県", "Yamanashi", _R.CHUBU),
            ("長野県", "Nagano", _R.CHUBU),
            ("岐阜県", "Gifu", _R.CHUBU),
            ("静岡県", "Shizuoka", _R.CHUBU),
            ("愛知県", "Aichi", _R.CHUBU),
            ("三重県", "Mie", _R.KINKI),
            ("滋賀県", "Shiga", _R.KINKI),
            ("京都府", "Kyoto", _R.KINKI),
            ("大阪府", "Osaka", _R.KINKI),
            ("兵庫県", "Hyogo", _R.KINKI),
            ("奈良県", "Nara", _R.KINKI),
            ("和歌山県", "Wakayama", _R.KINKI),
            ("鳥取県", "Tottori", _R.CHUGOKU),
            ("島根県", "Shimane", _R.CHUGOKU),
            ("岡山県", "Okayama", _R.CHUGOKU),
            ("広島県", "Hiroshima", _R.CHUGOKU),
            ("山口県", "Yamaguchi", _R.CHUGOKU),
            ("徳島県", "Tokushima", _R.SHIKOKU),
            ("香川県", "Kagawa", _R.SHIKOKU),
            ("愛媛県", "Ehime", _R.SHIKOKU),
            ("高知県", "Kochi", _R.SHIKOKU),
            ("福岡県", "Fukuoka", _R.KYUSHU_OKINAWA),
            ("佐賀県", "Saga", _R.KYUSHU_OKINAWA),
            ("長崎県", "Nagasaki", _R.KYUSHU_OKINAWA),
            ("熊本県", "Kumamoto", _R.KYUSHU_OKINAWA),
            ("大分県", "Oita", _R.KYUSHU_OKINAWA),
            ("宮崎県", "Miyazaki", _R.KYUSHU_OKINAWA),
            ("鹿児島県", "Kagoshima", _R.KYUSHU_OKINAWA),
            ("沖縄県", "Okinawa", _R.KYUSHU_OKINAWA),
        ],
        start=1,
    )
)
del _R


# ---------------------------------------------------------------------------------------------
# Lookup keys
# ---------------------------------------------------------------------------------------------

# Long vowels in romaji: macrons and circumflexes (Tōkyō, Kyôto) ...
_PLAIN_VOWELS = str.maketrans("āáàâäēéèêīíìîōóòôöūúùûü", "aaaaaeeeeiiiiooooouuuuu")
# ... or spelt out (Toukyou, Oosaka, Hyohgo, Kyuushuu). None of the standard names
# contains these pairs, so collapsing them cannot confuse two prefectures.
_LONG_VOWEL = re.compile(r"(?<=o)(?:u|o|h(?![aiueoy]))|(?<=u)u")
_NOT_ALNUM = re.compile(r"[\W_]+")

# Tried one at a time when the whole key is unknown. "Kyoto" is found before "-to" could
# be stripped from it, and "Gifu" before "-fu".
_PREFECTURE_SUFFIXES = ("prefecture", "metropolis", "metropolitan", "pref", "ken", "fu", "to")
_REGION_SUFFIXES = ("地方", "region", "chiho", "area")


def _require_str(text: object) -> None:
    if not isinstance(text, str):
        raise ValidationError(f"expected a str, got {type(text).__name__}: {text!r}", path="text")


def _lookup_key(text: str) -> str:
    """Fold *text* to a key: width, case, macrons, long-vowel spellings, spaces, hyphens."""
    key = unicodedata.normalize("NFKC", text).casefold().translate(_PLAIN_VOWELS)
    return _LONG_VOWEL.sub("", _NOT_ALNUM.sub("", key))


def _strip_suffix(key: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def _build_prefecture_index() -> dict[str, Prefecture]:
    index: dict[str, Prefecture] = {}
    for prefecture in PREFECTURES:
        for form in (prefecture.name, prefecture.short, prefecture.romaji):
            index[_lookup_key(form)] = prefecture
    # The older Hepburn spelling, still seen in addresses.
    index["gumma"] = index["gunma"]
    return index


def _build_region_index() -> dict[str, Region]:
    index: dict[str, Region] = {}
    for region in Region:
        for form in (region.value, region.english, region.name):
            index[_lookup_key(form)] = region
    for alias, region in (
        ("関西", Region.KINKI),
        ("Kansai", Region.KINKI),
        ("Kinki", Region.KINKI),
        ("九州", Region.KYUSHU_OKINAWA),
        ("Kyushu", Region.KYUSHU_OKINAWA),
    ):
        index[_lookup_key(alias)] = region
    return index


_PREFECTURE_INDEX = _build_prefecture_index()
_REGION_INDEX = _build_region_index()


# ---------------------------------------------------------------------------------------------
# Public lookups
# ---------------------------------------------------------------------------------------------


# Address fields repeat the same few hundred spellings over millions of records.
@functools.lru_cache(maxsize=4096)
def _find(text: str) -> Prefecture | None:
    key = _lookup_key(text)
    if key.isdigit():
        code = int(key)
        return PREFECTURES[code - 1] if len(key) <= 2 and 1 <= code <= len(PREFECTURES) else None
    prefecture = _PREFECTURE_INDEX.get(key)
    if prefecture is None:
        prefecture = _PREFECTURE_INDEX.get(_strip_suffix(key, _PREFECTURE_SUFFIXES))
    return prefecture


def find_prefecture(text: str) -> Prefecture | None:
    """Return the prefecture *text* names, or None when it names none.

    Accepts the full name (東京都), the short name (東京), romaji in any case and width,
    with macrons, long vowels spelt out or a suffix (Tokyo, ＴＯＫＹＯ, Tōkyō, Toukyou,
    Tokyo-to, Tokyo To, Tokyo Metropolis, Osaka-fu, Osaka Prefecture, aichi ken), and the
    two-digit JIS X 0401 code as a string ("13", "01", "1"). Only whole names match: an
    address such as "東京都千代田区" gives None.

    >>> find_prefecture(" 京都 ").name, find_prefecture("HOKKAIDŌ").name, find_prefecture("01").name
    ('京都府', '北海道', '北海道')
    >>> find_prefecture("California") is None
    True
    """
    _require_str(text)
    return _find(text)


def parse_prefecture(text: str) -> Prefecture:
    """Like :func:`find_prefecture`, but raise :class:`ValidationError` for unknown *text*.

    >>> parse_prefecture("Osaka Prefecture").name
    '大阪府'
    >>> parse_prefecture("Kalifornia")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    leadkit.errors.ValidationError: unknown prefecture 'Kalifornia'; ...
    """
    prefecture = find_prefecture(text)
    if prefecture is None:
        raise ValidationError(
            f"unknown prefecture {text!r}; write its name (東京都 or 東京), "
            "its romaji (Tokyo, Tokyo-to) or its JIS code (1-47)"
        )
    return prefecture


def region_of(text: str) -> Region | None:
    """Return the region of the prefecture *text* names (see :func:`find_prefecture`).

    Returns None when *text* names no prefecture; region names themselves are for
    :meth:`Region.parse`.

    >>> region_of("Niigata"), region_of("沖縄"), region_of("Atlantis")
    (<Region.CHUBU: '中部'>, <Region.KYUSHU_OKINAWA: '九州・沖縄'>, None)
    """
    prefecture = find_prefecture(text)
    return None if prefecture is None else prefecture.region
