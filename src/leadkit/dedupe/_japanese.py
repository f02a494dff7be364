"""Folds for Japanese matching keys (名寄せ): variant kanji, katakana spellings, readings
in romaji, honorifics, branch and department suffixes of company names.

All functions take text already normalised by :func:`~leadkit.model.normalise_text`
(NFKC, case-folded) unless they say otherwise, are pure and idempotent, and return keys:
display values are never changed.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "FAMILY_NAMES",
    "ROLE_LOCAL_PARTS",
    "VARIANT_KANJI",
    "family_prefix",
    "fold_japanese",
    "fold_kanji",
    "folded_forms",
    "kana_to_romaji",
    "known_family",
    "romaji_key",
    "strip_branch",
    "strip_honorifics",
]

# 異体字・旧字体 → the form in everyday use, as 名寄せ tables fold them. NFKC already maps
# the CJK compatibility ideographs; these are distinct characters it leaves alone.
_VARIANTS = (
    "髙高 﨑崎 嵜崎 碕崎 齋斎 齊斎 斉斎 邊辺 邉辺 濵浜 濱浜 關関 櫻桜 廣広 澤沢 嶋島 嶌島 國国"
    " 實実 眞真 惠恵 榮栄 德徳 藏蔵 瀨瀬 條条 龍竜 會会 學学 來来 壽寿 彌弥 萬万 與与 禮礼"
    " 戶戸 靑青 淸清 黑黒 莊荘 舘館 冨富 桒桑 埜野 驒騨 槇槙 峯峰 曾曽 瀧滝 圓円 氣気 縣県"
    " 發発 寶宝 驛駅 鐵鉄 銕鉄 兒児 淺浅 濟済 亞亜 營営 衞衛 壹壱 恆恒 晉晋 鄕郷 鷗鴎 辻辻"
    " 檜桧 隆隆 穗穂 讓譲 乘乗 傳伝 團団 獨独 圖図 廊廊 彦彦 髮髪 豐豊 禎禎 祐祐"
)
VARIANT_KANJI: dict[str, str] = {
    pair[0]: pair[1] for pair in _VARIANTS.split() if pair[0] != pair[1]
}
"""Variant kanji (異体字, 旧字体) and the everyday form they fold to: 髙 → 高, 齋 → 斎."""

_VARIANT_TABLE = str.maketrans(VARIANT_KANJI)

_SMALL_KANA = str.maketrans("ァィゥェォャュョッヮヵヶ", "アイウエオヤユヨツワカケ")
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA = r"\u30a1-\u30fa\u30fc"
# A long-vowel mark typed as a hyphen, minus, dash or tilde after a katakana letter.
_LONG_MARK = re.compile(f"(?<=[{_KATAKANA}])[-‐‑‒–—―−~〜ｰ]+")
_VU = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"))


def fold_kanji(text: str) -> str:
    """*text* with variant kanji folded only (株式會社 → 株式会社, 髙橋 → 高橋)."""
    return text if text.isascii() else text.translate(_VARIANT_TABLE)


@lru_cache(maxsize=1 << 16)
def fold_japanese(text: str) -> str:
    """*text* with Japanese spelling differences folded, for a matching key.

    Variant kanji become their everyday form (髙橋 → 高橋); hiragana become katakana;
    katakana spellings that people type differently become one: the long-vowel mark,
    however it is typed (ー, -, －, —, ‐), is dropped (センター = センタ = センタ－), small
    kana become large (キャノン = キヤノン), ヴィ becomes ビ. Other text is unchanged.

    >>> fold_japanese("髙橋"), fold_japanese("ソリューションセンター")
    ('高橋', 'ソリユシヨンセンタ')
    >>> fold_japanese("ヴィクトリー")
    'ビクトリ'

    """
    if text.isascii():
        return text
    text = text.translate(_VARIANT_TABLE).translate(_HIRAGANA)
    if "ヴ" in text:
        for old, new in _VU:
            text = text.replace(old, new)
    text = _LONG_MARK.sub("ー", text).replace("ー", "")
    return text.translate(_SMALL_KANA)


def folded_forms(original: str, folded: str) -> str | None:
    """What folding changed, for evidence: ``"髙橋 → 高橋"``, or None when nothing did."""
    return None if original == folded else f"{original} → {folded}"


# -- readings as romaji ------------------------------------------------------------------------

_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho",
    "チャ": "cha", "チュ": "chu", "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo",
    "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ヂャ": "ja", "ヂュ": "ju", "ヂョ": "jo",
    "ビャ": "bya", "ビュ": "byu", "ビョ": "byo", "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo",
    "シェ": "she", "ジェ": "je", "チェ": "che", "ティ": "ti", "ディ": "di", "ファ": "fa",
    "フィ": "fi", "フェ": "fe", "フォ": "fo", "ウィ": "wi", "ウェ": "we", "ヴァ": "ba",
    "ヴィ": "bi", "ヴェ": "be", "ヴォ": "bo", "トゥ": "tu", "ドゥ": "du",
}  # fmt: skip
_ROMAJI_SYLLABLES = (
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he"
    " ho ma mi mu me mo ya yu yo ra ri ru re ro wa i e o n ga gi gu ge go za ji zu ze zo"
    " da ji zu de do ba bi bu be bo pa pi pu pe po bu a i u e o ya yu yo wa"
)
_SINGLES = dict(
    zip(
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヰヱヲン"
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴァィゥェォャュョヮ",
        _ROMAJI_SYLLABLES.split(),
        strict=True,
    )
)
_ROMAJI_LONG = re.compile(r"ou|oo|uu|aa|ii|ee|oh(?![aeiouy])")
_ROMAJI_M = re.compile(r"m(?=[bmp])")
_NOT_LETTER = re.compile(r"[^a-z]+")


@lru_cache(maxsize=1 << 16)
def kana_to_romaji(text: str) -> str | None:
    """A reading in kana as Hepburn romaji, None when *text* is not all kana.

    >>> kana_to_romaji("タカハシ"), kana_to_romaji("しんいちろう"), kana_to_romaji("山田")
    ('takahashi', 'shinichirou', None)
    """
    kana = text.translate(_HIRAGANA).replace(" ", "")
    out: list[str] = []
    double = False
    index = 0
    while index < len(kana):
        pair = kana[index : index + 2]
        if pair in _DIGRAPHS:
            syllable = _DIGRAPHS[pair]
            index += 2
        elif kana[index] == "ッ":
            double = True
            index += 1
            continue
        elif kana[index] == "ー":
            index += 1
            continue
        elif kana[index] in _SINGLES:
            syllable = _SINGLES[kana[index]]
            index += 1
        else:
            return None
        if double:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double = False
        out.append(syllable)
    return "".join(out) or None


@lru_cache(maxsize=1 << 16)
def romaji_key(text: str) -> str | None:
    """A Japanese name in Latin letters as a key: spellings of long vowels and of n/m
    folded (Yūko = Yuuko = Yuko, Ohno = Ono, Saitoh = Saito, Homma = Honma).

    Accepts romaji (any case, with macrons) or kana; None for anything else.

    >>> romaji_key("Yūko"), romaji_key("OHNO"), romaji_key("ユウコ"), romaji_key("山田")
    ('yuko', 'ono', 'yuko', None)
    """
    if not text.isascii():
        kana = kana_to_romaji(text)
        if kana is None:
            import unicodedata

            stripped = "".join(
                ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
            )
            if not stripped.isascii():
                return None
            text = stripped
        else:
            text = kana
    key = _NOT_LETTER.sub("", text.lower())
    while True:
        folded = _ROMAJI_LONG.sub(lambda m: m.group()[0], key)
        if folded == key:
            break
        key = folded
    return _ROMAJI_M.sub("n", key) or None


# -- honorifics and titles ---------------------------------------------------------------------

_HONORIFIC_SUFFIX = re.compile(
    r"(?:\s*(?:様|さま|殿|どの|さん|御中|先生|社長|専務|常務|部長|課長|係長|主任|-san|-sama))+$"
)
_HONORIFIC_PREFIX = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|prof)(?:\.\s*|\s+))+")


def strip_honorifics(text: str) -> str:
    """Normalised *text* without honorifics and titles (様, 殿, さん, 御中, 部長, Mr., Ms.),
    unless nothing else is left.

    >>> strip_honorifics("山田 太郎様"), strip_honorifics("mr. taro yamada"), strip_honorifics("様")
    ('山田 太郎', 'taro yamada', '様')
    """
    stripped = _HONORIFIC_PREFIX.sub("", _HONORIFIC_SUFFIX.sub("", text)).strip()
    return stripped or text


# -- company branches and departments ----------------------------------------------------------

_PLACE_NAMES = (
    "北海道 青森 岩手 宮城 秋田 山形 福島 茨城 栃木 群馬 埼玉 千葉 東京 神奈川 新潟 富山 石川"
    " 福井 山梨 長野 岐阜 静岡 愛知 三重 滋賀 京都 大阪 兵庫 奈良 和歌山 鳥取 島根 岡山 広島 山口"
    " 徳島 香川 愛媛 高知 福岡 佐賀 長崎 熊本 大分 宮崎 鹿児島 沖縄 札幌 仙台 横浜 川崎 名古屋"
    " 神戸 北九州 浜松 関東 関西 中部 東北 九州 四国 東日本 西日本 首都圏 本町 丸の内 新宿 渋谷"
    " 品川 梅田 博多 天神"
)
_PLACES = _PLACE_NAMES.split()
_PLACE = "(?:" + "|".join(sorted(_PLACES, key=len, reverse=True)) + ")"
_OFFICE = r"(?:支店|支社|営業所|事業所|出張所|本社|本店|本部|分室|オフィス)"
_UNIT = (
    r"(?:第?[一二三四五六七八九十0-9]*(?:営業|開発|技術|総務|人事|経理|企画|業務|購買|資材|情報システム"
    r"|システム開発|システム|マーケティング|広報|法務|製造|品質管理|品質保証|管理|販売|事業|研究|設計"
    r"|調達|財務|経営企画|海外)(?:本部|部|課|室|グループ|チーム|センター)?)"
)
# Without a space the suffix must be recognisable on its own: a place + office, or a
# department name; after a space any word ending like an office or department will do.
_BRANCH_JOINED = re.compile(
    f"(?:{_PLACE}?{_OFFICE}|{_PLACE}?{_UNIT}(?<=[部課室])|{_UNIT}(?:本部|部|課|室))+$"
)
_BRANCH_WORD = re.compile(r"\s+\S*(?:支店|支社|営業所|事業所|出張所|本社|本店|本部|部|課|室)$")
_BRANCH_ENGLISH = re.compile(
    r"(?:\s*[,/-]?\s+(?:\w+\s+)?(?:branch|office|dept\.?|department|division|hq|headquarters))+$"
)


@lru_cache(maxsize=1 << 16)
def strip_branch(text: str) -> tuple[str, str | None]:
    """Split normalised company *text* into the company and a trailing branch, office or
    department (支店, 支社, 営業所, 事業所, 本社, 本店, ○○部, ○○課, Branch, Office, Dept.).

    Nothing is split off when it would leave no company.

    >>> strip_branch("株式会社abc 東京支店"), strip_branch("abc株式会社第二営業部")
    (('株式会社abc', '東京支店'), ('abc株式会社', '第二営業部'))
    >>> strip_branch("abc trading tokyo branch"), strip_branch("日本ソリューションセンター")
    (('abc trading', 'tokyo branch'), ('日本ソリューションセンター', None))
    """
    company, branch = text, list[str]()
    while True:
        match = (
            _BRANCH_ENGLISH.search(company)
            if company.isascii()
            else (_BRANCH_WORD.search(company) or _BRANCH_JOINED.search(company))
        )
        if match is None or match.start() == 0:
            break
        rest = company[: match.start()].rstrip(" ,/-")
        if not rest or (rest.endswith(("株式会社", "有限会社", "合同会社")) and len(rest) <= 4):
            break
        branch.insert(0, match.group().strip(" ,/-"))
        company = rest
    return company, (" ".join(branch) if branch else None)


# -- names ---------------------------------------------------------------------------------------

# Common family names (kanji: romaji), for splitting a full name typed into one field.
_FAMILIES = (
    "佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 伊藤:ito 渡辺:watanabe 山本:yamamoto"
    " 中村:nakamura 小林:kobayashi 加藤:kato 吉田:yoshida 山田:yamada 佐々木:sasaki 山口:yamaguchi"
    " 松本:matsumoto 井上:inoue 木村:kimura 林:hayashi 斎藤:saito 清水:shimizu 山崎:yamazaki"
    " 森:mori 池田:ikeda 橋本:hashimoto 阿部:abe 石川:ishikawa 山下:yamashita 中島:nakajima"
    " 石井:ishii 小川:ogawa 前田:maeda 岡田:okada 長谷川:hasegawa 藤田:fujita 後藤:goto"
    " 近藤:kondo 村上:murakami 遠藤:endo 青木:aoki 坂本:sakamoto 斉藤:saito 福田:fukuda"
    " 太田:ota 西村:nishimura 藤井:fujii 金子:kaneko 岡本:okamoto 藤原:fujiwara 中野:nakano"
    " 三浦:miura 原田:harada 中川:nakagawa 松田:matsuda 竹内:takeuchi 小野:ono 田村:tamura"
    " 中山:nakayama 和田:wada 石田:ishida 森田:morita 上田:ueda 原:hara 内田:uchida 柴田:shibata"
    " 酒井:sakai 宮崎:miyazaki 横山:yokoyama 高木:takagi 安藤:ando 宮本:miyamoto 大野:ono"
    " 小島:kojima 谷口:taniguchi 今井:imai 工藤:kudo 高田:takada 増田:masuda 丸山:maruyama"
    " 杉山:sugiyama 村田:murata 大塚:otsuka 新井:arai 小山:koyama 平野:hirano 藤本:fujimoto"
    " 河野:kono 上野:ueno 野口:noguchi 武田:takeda 松井:matsui 千葉:chiba 岩崎:iwasaki"
    " 菅原:sugawara"
    " 木下:kinoshita 久保:kubo 佐野:sano 野村:nomura 松尾:matsuo 市川:ichikawa 菊地:kikuchi"
    " 杉本:sugimoto 古川:furukawa 大西:onishi 島田:shimada 水野:mizuno 桜井:sakurai 高野:takano"
    " 渡部:watanabe 吉川:yoshikawa 山内:yamauchi 西田:nishida 飯田:iida 菊池:kikuchi 西川:nishikawa"
    " 小松:komatsu 北村:kitamura 安田:yasuda 五十嵐:igarashi 川口:kawaguchi 平田:hirata 関:seki"
    " 中田:nakata 久保田:kubota 東:higashi 服部:hattori 浜田:hamada 広瀬:hirose 沢田:sawada"
    " 国分:kokubu 本田:honda 星野:hoshino 岩田:iwata 田口:taguchi 松下:matsushita 荒木:araki"
)
FAMILY_NAMES: dict[str, str] = dict(item.split(":") for item in _FAMILIES.split())
"""Common Japanese family names and their romaji (for splitting full names)."""
_ROMAJI_FAMILIES = frozenset(romaji_key(r) for r in FAMILY_NAMES.values())
_LONGEST_FAMILY = max(len(name) for name in FAMILY_NAMES)


def known_family(text: str) -> bool:
    """Whether *text* (kanji, or romaji) is a family name of :data:`FAMILY_NAMES`."""
    if text.isascii():
        return romaji_key(text) in _ROMAJI_FAMILIES
    return fold_japanese(text) in FAMILY_NAMES


def family_prefix(text: str) -> int:
    """Length of the longest known family name that *text* starts with and that leaves a
    given name of one to three characters; 0 when there is none."""
    folded = fold_japanese(text)
    if len(folded) != len(text):
        return 0
    for length in range(min(_LONGEST_FAMILY, len(text) - 1), 0, -1):
        if folded[:length] in FAMILY_NAMES and 1 <= len(text) - length <= 3:
            return length
    return 0


_ROLES = (
    "info sales contact support admin office inquiry inquiries toiawase otoiawase eigyo"
    " eigyou soumu somu hr recruit saiyo webmaster mail daihyo daihyou noreply no-reply"
    " marketing press pr service help customer team hello 代表 お問い合わせ 問い合わせ"
)
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(_ROLES.split())
"""Local parts of role (shared) mailboxes: info@, sales@, contact@, support@, 代表@ ..."""
