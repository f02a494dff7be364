"""A seeded Japanese B2B lead set with known duplicates, for benchmarks/dedupe_ja.py.

Written on its own, without leadkit (and without ``leadkit.sample``'s variation
functions): it returns plain dictionaries, and the benchmark turns them into leads. Each
person gets one original record; some get copies, each copy carrying one variation or a
combination of them, the way the same person turns up twice in a Japanese sales team's
data (an expo scan, a business card typed in, a web form, an import from another tool).
Hard negatives are different people who look alike: colleagues with similar given names,
同姓同名 at one company, companies one character apart, people writing from a shared
role address, and "T. Yamada" next to Taro and Takeshi Yamada.

Every record carries ``entity`` (the person it stands for) and ``tags`` (the variations
applied to it, or the hard negative it belongs to).
"""

from __future__ import annotations

import random
from typing import Any

__all__ = ["NEGATIVES", "VARIATIONS", "generate"]

Record = dict[str, Any]

# (kanji, reading in katakana, romaji)
FAMILIES = [
    ("高橋", "タカハシ", "Takahashi"),
    ("斎藤", "サイトウ", "Saito"),
    ("渡辺", "ワタナベ", "Watanabe"),
    ("山崎", "ヤマザキ", "Yamazaki"),
    ("浜田", "ハマダ", "Hamada"),
    ("関", "セキ", "Seki"),
    ("桜井", "サクライ", "Sakurai"),
    ("広瀬", "ヒロセ", "Hirose"),
    ("沢田", "サワダ", "Sawada"),
    ("島田", "シマダ", "Shimada"),
    ("山田", "ヤマダ", "Yamada"),
    ("田中", "タナカ", "Tanaka"),
    ("佐藤", "サトウ", "Sato"),
    ("鈴木", "スズキ", "Suzuki"),
    ("伊藤", "イトウ", "Ito"),
    ("中村", "ナカムラ", "Nakamura"),
    ("小林", "コバヤシ", "Kobayashi"),
    ("加藤", "カトウ", "Kato"),
    ("吉田", "ヨシダ", "Yoshida"),
    ("山本", "ヤマモト", "Yamamoto"),
    ("松本", "マツモト", "Matsumoto"),
    ("井上", "イノウエ", "Inoue"),
    ("木村", "キムラ", "Kimura"),
    ("林", "ハヤシ", "Hayashi"),
    ("清水", "シミズ", "Shimizu"),
    ("森", "モリ", "Mori"),
    ("池田", "イケダ", "Ikeda"),
    ("橋本", "ハシモト", "Hashimoto"),
    ("石川", "イシカワ", "Ishikawa"),
    ("前田", "マエダ", "Maeda"),
    ("藤田", "フジタ", "Fujita"),
    ("小川", "オガワ", "Ogawa"),
    ("岡田", "オカダ", "Okada"),
    ("長谷川", "ハセガワ", "Hasegawa"),
    ("村上", "ムラカミ", "Murakami"),
    ("近藤", "コンドウ", "Kondo"),
    ("坂本", "サカモト", "Sakamoto"),
    ("遠藤", "エンドウ", "Endo"),
    ("青木", "アオキ", "Aoki"),
    ("西村", "ニシムラ", "Nishimura"),
    ("福田", "フクダ", "Fukuda"),
    ("太田", "オオタ", "Ota"),
    ("三浦", "ミウラ", "Miura"),
    ("藤井", "フジイ", "Fujii"),
    ("岡本", "オカモト", "Okamoto"),
    ("松田", "マツダ", "Matsuda"),
    ("中島", "ナカジマ", "Nakajima"),
    ("原田", "ハラダ", "Harada"),
    ("小野", "オノ", "Ono"),
    ("竹内", "タケウチ", "Takeuchi"),
    ("金子", "カネコ", "Kaneko"),
    ("和田", "ワダ", "Wada"),
    ("中野", "ナカノ", "Nakano"),
    ("上田", "ウエダ", "Ueda"),
    ("森田", "モリタ", "Morita"),
    ("柴田", "シバタ", "Shibata"),
    ("酒井", "サカイ", "Sakai"),
    ("工藤", "クドウ", "Kudo"),
    ("宮崎", "ミヤザキ", "Miyazaki"),
    ("内田", "ウチダ", "Uchida"),
    ("安藤", "アンドウ", "Ando"),
    ("谷口", "タニグチ", "Taniguchi"),
    ("丸山", "マルヤマ", "Maruyama"),
    ("藤原", "フジワラ", "Fujiwara"),
    ("武田", "タケダ", "Takeda"),
    ("杉山", "スギヤマ", "Sugiyama"),
    ("大塚", "オオツカ", "Otsuka"),
    ("千葉", "チバ", "Chiba"),
    ("野口", "ノグチ", "Noguchi"),
    ("菊地", "キクチ", "Kikuchi"),
    ("岩崎", "イワサキ", "Iwasaki"),
    ("國分", "コクブ", "Kokubu"),
]

GIVENS = [
    ("太郎", "タロウ", "Taro"),
    ("一郎", "イチロウ", "Ichiro"),
    ("大輔", "ダイスケ", "Daisuke"),
    ("翔太", "ショウタ", "Shota"),
    ("拓也", "タクヤ", "Takuya"),
    ("直樹", "ナオキ", "Naoki"),
    ("和也", "カズヤ", "Kazuya"),
    ("誠", "マコト", "Makoto"),
    ("剛", "ツヨシ", "Tsuyoshi"),
    ("浩", "ヒロシ", "Hiroshi"),
    ("学", "マナブ", "Manabu"),
    ("達也", "タツヤ", "Tatsuya"),
    ("健太", "ケンタ", "Kenta"),
    ("亮", "リョウ", "Ryo"),
    ("恵子", "ケイコ", "Keiko"),
    ("美穂", "ミホ", "Miho"),
    ("由美", "ユミ", "Yumi"),
    ("直子", "ナオコ", "Naoko"),
    ("陽子", "ヨウコ", "Yoko"),
    ("智子", "トモコ", "Tomoko"),
    ("久美子", "クミコ", "Kumiko"),
    ("真由美", "マユミ", "Mayumi"),
    ("彩", "アヤ", "Aya"),
    ("麻衣", "マイ", "Mai"),
    ("美咲", "ミサキ", "Misaki"),
    ("沙織", "サオリ", "Saori"),
    ("香織", "カオリ", "Kaori"),
    ("武", "タケシ", "Takeshi"),
    ("実", "ミノル", "Minoru"),
    ("真理", "マリ", "Mari"),
    ("恵", "メグミ", "Megumi"),
    ("栄一", "エイイチ", "Eiichi"),
    ("広志", "ヒロシ", "Hiroshi"),
    ("沢子", "サワコ", "Sawako"),
    ("健一", "ケンイチ", "Kenichi"),
    ("真一", "シンイチ", "Shinichi"),
    ("隆弘", "タカヒロ", "Takahiro"),
    ("正弘", "マサヒロ", "Masahiro"),
    ("裕子", "ユウコ", "Yuko"),
    ("裕太", "ユウタ", "Yuta"),
]

# Colleagues whose given names a naive comparator confuses: a prefix, one kanji apart,
# the same reading in other kanji.
SIMILAR_GIVENS = {
    "健一": ("健一郎", "ケンイチロウ", "Kenichiro"),
    "真一": ("真一郎", "シンイチロウ", "Shinichiro"),
    "隆弘": ("隆人", "タカヒト", "Takahito"),
    "正弘": ("正彦", "マサヒコ", "Masahiko"),
    "裕子": ("優子", "ユウコ", "Yuko"),
    "裕太": ("雄太", "ユウタ", "Yuta"),
    "直樹": ("直紀", "ナオキ", "Naoki"),
    "恵子": ("恵美子", "エミコ", "Emiko"),
}

# Variant kanji (異体字, 旧字体) as they turn up in names and company names.
VARIANT_KANJI = {
    "高": ["髙"],
    "斎": ["齋", "齊"],
    "辺": ["邊", "邉"],
    "崎": ["﨑"],
    "浜": ["濵", "濱"],
    "関": ["關"],
    "桜": ["櫻"],
    "広": ["廣"],
    "沢": ["澤"],
    "島": ["嶋", "嶌"],
    "国": ["國"],
    "實": ["実"],
    "実": ["實"],
    "真": ["眞"],
    "恵": ["惠"],
    "栄": ["榮"],
    "徳": ["德"],
    "蔵": ["藏"],
    "瀬": ["瀨"],
    "條": ["条"],
    "竜": ["龍"],
    "会": ["會"],
    "学": ["學"],
}

# Company names: (kanji or katakana name, romaji for the domain). Names with katakana
# words carry long vowels and small kana that people type differently.
COMPANIES = [
    ("東京電機", "tokyo-denki"),
    ("山田製作所", "yamada-ss"),
    ("桜井工業", "sakurai-kogyo"),
    ("広田商事", "hirota-shoji"),
    ("日本ソリューションセンター", "jsc"),
    ("サンライズソリューションズ", "sunrise-sol"),
    ("ヴィクトリーテック", "victorytech"),
    ("キャピタルサービス", "capital-sv"),
    ("グローバルデータセンター", "gdc"),
    ("ミライシステムズ", "mirai-sys"),
    ("北斗物産", "hokuto-bussan"),
    ("大和精機", "yamato-seiki"),
    ("中央技研", "chuo-giken"),
    ("関東フーズ", "kanto-foods"),
    ("浜松電子", "hamamatsu-e"),
    ("高崎化学", "takasaki-chem"),
    ("新日本データ", "shin-nihon-data"),
    ("アジアネットワーク", "asia-net"),
    ("ユニバーサルコンピューター", "universal-comp"),
    ("エコーテクノロジー", "echo-tech"),
    ("島津商会", "shimazu-shokai"),
    ("沢井薬品", "sawai-yakuhin"),
    ("国際物流", "kokusai-butsuryu"),
    ("斎藤建設", "saito-kensetsu"),
    ("ファーストリテイリングサポート", "first-rs"),
    ("シャープエンジニアリング", "sharp-eng"),
    ("メディカルサーヴィス", "medical-sv"),
    ("リョーユーパン販売", "ryoyu-hanbai"),
    ("キョーワ精密", "kyowa-seimitsu"),
    ("ニュートラルコーポレーション", "neutral-corp"),
    ("三和ビルディング", "sanwa-bld"),
    ("東洋インフォメーション", "toyo-info"),
    ("ジャパンエナジーセンター", "jec"),
    ("富士ロジスティクス", "fuji-logi"),
    ("瀬戸内マリン", "setouchi-marine"),
    ("栄光システム", "eiko-system"),
    ("徳山機械", "tokuyama-kikai"),
    ("Nexus Japan", "nexus-japan"),
    ("ABC Trading", "abc-trading"),
    ("Brightway Consulting", "brightway"),
]
# Companies one character apart: different companies, same person names in them.
COMPANY_TWINS = [
    ("東京電機", "東京電気", "tokyo-denki", "tokyo-denkicorp"),
    ("中央技研", "中央技建", "chuo-giken", "chuo-giken-k"),
    ("北斗物産", "北都物産", "hokuto-bussan", "hokuto-bsn"),
    ("大和精機", "大和精工", "yamato-seiki", "yamato-seiko"),
]

LEGAL_FORMS = ["株式会社", "株式会社", "株式会社", "有限会社", "合同会社"]
ROLE_LOCALS = ["info", "sales", "contact", "support"]
BRANCHES = [
    "東京支店",
    "大阪支店",
    "名古屋支社",
    "横浜営業所",
    "本社",
    "第二営業部",
    "営業本部",
    "システム開発部",
    "経理課",
    "福岡事業所",
]
BRANCHES_EN = ["Tokyo Branch", "Osaka Office", "Sales Dept."]
HONORIFICS_AFTER = ["様", "殿", "さん"]
HONORIFICS_BEFORE = ["Mr.", "Ms."]
TITLES = ["部長", "課長", "主任", "マネージャー", None, None]

VARIATIONS = [
    "variant_kanji",
    "katakana",
    "legal_form",
    "branch",
    "phone_format",
    "email_plus",
    "email_fullwidth",
    "mobile",
    "full_name_one_field",
    "romaji_order",
    "reading_script",
    "honorific",
]
"""The variations a copy may carry (alone, or two or three combined)."""

NEGATIVES = [
    "neg_similar_given",
    "neg_homonym",
    "neg_company_char",
    "neg_role_address",
    "neg_chain",
]
"""The kinds of hard negative: look-alike records of different people."""

# Variations that apply to a record only where it has what they change.
_NEEDS_EMAIL = {"email_plus", "email_fullwidth"}


class _Generator:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.records: list[Record] = []
        self.entity = 0
        self.used_phones: set[str] = set()

    # -- building blocks --------------------------------------------------------------------

    def phone(self, area: str = "03") -> str:
        while True:
            if len(area) == 2:
                number = (
                    f"{area}-{self.random.randint(1000, 9999)}-{self.random.randint(1000, 9999)}"
                )
            else:
                number = f"{area}-{self.random.randint(100, 999)}-{self.random.randint(1000, 9999)}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def new_mobile(self) -> str:
        prefix = self.random.choice(["090", "080", "070"])
        while True:
            number = f"{prefix}-{self.random.randint(1000, 9999)}-{self.random.randint(1000, 9999)}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def company(self, name: str, domain: str) -> dict[str, Any]:
        form = self.random.choice(LEGAL_FORMS) if not name.isascii() else "Co., Ltd."
        before = self.random.random() < 0.5
        return {
            "name": name,
            "form": form,
            "before": before,
            "domain": f"{domain}.co.jp",
            "switchboard": self.phone(self.random.choice(["03", "06", "052", "045", "092"])),
        }

    def person(
        self,
        company: dict[str, Any],
        family: tuple[str, str, str] | None = None,
        given: tuple[str, str, str] | None = None,
    ) -> dict[str, Any]:
        family = family or self.random.choice(FAMILIES)
        given = given or self.random.choice(GIVENS)
        self.entity += 1
        local_style = self.random.choice(["{g}.{f}", "{f}", "{f}-{i}", "{i}{f}", "{f}.{g}"])
        local = local_style.format(g=given[2].lower(), f=family[2].lower(), i=given[2][0].lower())
        # A mailbox belongs to one person: a second Yuta Nishimura gets nishimura.yuta2@.
        taken = company.setdefault("mailboxes", set())
        number = 1
        while (local if number == 1 else f"{local}{number}") in taken:
            number += 1
        local = local if number == 1 else f"{local}{number}"
        taken.add(local)
        return {
            "entity": self.entity,
            "family": family,
            "given": given,
            "company": company,
            "email": f"{local}@{company['domain']}",
            # Half the people have a direct line; the others give the switchboard.
            "phone": self.phone("03") if self.random.random() < 0.5 else company["switchboard"],
            "mobile": self.new_mobile() if self.random.random() < 0.6 else None,
            "title": self.random.choice(TITLES),
            "reading": self.random.random() < 0.5,
            "romaji": company["name"].isascii() and self.random.random() < 0.7,
        }

    # -- records ----------------------------------------------------------------------------

    def base(self, person: dict[str, Any], tags: tuple[str, ...] = ()) -> Record:
        family, given, company = person["family"], person["given"], person["company"]
        if person["romaji"]:
            name = {"family": family[2], "given": given[2], "family_kana": None, "given_kana": None}
        else:
            name = {
                "family": family[0],
                "given": given[0],
                "family_kana": family[1] if person["reading"] else None,
                "given_kana": given[1] if person["reading"] else None,
            }
        return {
            "entity": person["entity"],
            "tags": tags,
            **name,
            "company": company_name(company),
            "email": person["email"],
            "phone": person["phone"],
            "mobile": person["mobile"],
            "title": person["title"],
        }

    def copy(self, person: dict[str, Any], variations: tuple[str, ...]) -> Record:
        record = self.base(person, variations)
        rnd = self.random
        # What happens to the e-mail: kept, gone, or another address (a personal one, a
        # new local part); the e-mail variations keep a varied form of it.
        if not _NEEDS_EMAIL & set(variations):
            fate = rnd.random()
            if fate < 0.35:
                pass
            elif fate < 0.7:
                record["email"] = None
            else:
                local = f"{person['given'][2].lower()}{rnd.randint(1, 99)}"
                record["email"] = rnd.choice([f"{local}@gmail.com", f"{local}@yahoo.co.jp"])
        # A copy without its phone keeps at least the mobile or company to be findable.
        if rnd.random() < 0.3 and record["mobile"]:
            record["phone"] = None
        if rnd.random() < 0.4:
            record["title"] = None
        for variation in variations:
            if variation in VARIATIONS:
                getattr(self, variation)(record, person)
        return record

    # -- the variations ---------------------------------------------------------------------

    def variant_kanji(self, record: Record, person: dict[str, Any]) -> None:
        changed = False
        for field in ("family", "given", "company"):
            value = record[field]
            if value is None:
                continue
            new = "".join(
                self.random.choice(VARIANT_KANJI[ch]) if ch in VARIANT_KANJI else ch for ch in value
            )
            changed |= new != value
            record[field] = new
        if not changed and not record["family"].isascii():
            # Nothing to vary: 旧字体 in the family name the way a business card prints it.
            record["family"] = "髙" + record["family"][1:]

    def katakana(self, record: Record, person: dict[str, Any]) -> None:
        record["company"] = katakana_spelling(record["company"], self.random)

    def legal_form(self, record: Record, person: dict[str, Any]) -> None:
        company = person["company"]
        name = company["name"]
        if name.isascii():
            record["company"] = self.random.choice(
                [f"{name} K.K.", f"{name} Inc.", f"株式会社{name}"]
            )
            return
        short = {"株式会社": "(株)", "有限会社": "(有)", "合同会社": "(同)"}[company["form"]]
        bank = {"株式会社": "ｶﾌﾞｼｷｶﾞｲｼｬ", "有限会社": "ﾕｳｹﾞﾝｶﾞｲｼｬ", "合同会社": "ｺﾞｳﾄﾞｳｶﾞｲｼｬ"}[
            company["form"]
        ]
        bank_short = {"株式会社": "(ｶ)", "有限会社": "(ﾕ)", "合同会社": "(ﾄﾞ)"}[company["form"]]
        choices = [
            f"{name}{short}",
            f"{short}{name}",
            f"{name}（{short[1]}）",
            f"㈱{name}" if short == "(株)" else f"{name}{short}",
            f"{bank_short}{name}",
            f"{name}{bank_short}",
            f"{name} {bank}",
            f"{name}",
            f"{company['form']} {name}" if not company["before"] else f"{name} {company['form']}",
        ]
        record["company"] = self.random.choice(choices)

    def branch(self, record: Record, person: dict[str, Any]) -> None:
        if record["company"].isascii():
            record["company"] = f"{record['company']} {self.random.choice(BRANCHES_EN)}"
        else:
            space = self.random.choice(["", " ", "\u3000"])
            record["company"] = f"{record['company']}{space}{self.random.choice(BRANCHES)}"

    def phone_format(self, record: Record, person: dict[str, Any]) -> None:
        phone = record["phone"] or person["phone"]
        record["phone"] = phone_form(phone, self.random)

    def email_plus(self, record: Record, person: dict[str, Any]) -> None:
        local, _, domain = person["email"].partition("@")
        tag = self.random.choice(["expo", "news", "2026", "webinar"])
        record["email"] = f"{local}+{tag}@{domain}"

    def email_fullwidth(self, record: Record, person: dict[str, Any]) -> None:
        record["email"] = to_fullwidth(person["email"])

    def mobile(self, record: Record, person: dict[str, Any]) -> None:
        # A business card scanned at an expo: the mobile number only, no office phone,
        # no e-mail; the original record may have put the mobile into the phone field.
        mobile = person["mobile"] or self.new_mobile()
        person["mobile"] = mobile
        record["mobile"] = mobile
        record["phone"] = None
        record["email"] = None

    def full_name_one_field(self, record: Record, person: dict[str, Any]) -> None:
        family, given = record["family"], record["given"]
        if given is None:
            return
        if family.isascii():
            joined = self.random.choice([f"{given} {family}", f"{family} {given}"])
        else:
            joined = self.random.choice(
                [f"{family}{given}", f"{family} {given}", f"{family}\u3000{given}"]
            )
        record["family"], record["given"] = joined, None
        if record["family_kana"] and record["given_kana"]:
            if self.random.random() < 0.5:
                record["family_kana"] = f"{record['family_kana']} {record['given_kana']}"
            else:
                record["family_kana"] = None
            record["given_kana"] = None

    def romaji_order(self, record: Record, person: dict[str, Any]) -> None:
        family, given = person["family"][2], person["given"][2]
        choice = self.random.random()
        if choice < 0.4:
            # "Yamada Taro" read given-first by a form: family "Taro", given "Yamada".
            record["family"], record["given"] = given, family
        elif choice < 0.7:
            record["family"], record["given"] = f"{family} {given}", None
        else:
            record["family"], record["given"] = family.upper(), given
        record["family_kana"] = record["given_kana"] = None

    def reading_script(self, record: Record, person: dict[str, Any]) -> None:
        family, given = person["family"], person["given"]
        choice = self.random.random()
        if choice < 0.4:
            # Katakana only, as a reading typed into the name.
            record["family"], record["given"] = family[1], given[1]
            record["family_kana"] = record["given_kana"] = None
        elif choice < 0.6:
            record["family"], record["given"] = hiragana(family[1]), hiragana(given[1])
            record["family_kana"] = record["given_kana"] = None
        else:
            record["family"], record["given"] = family[2], given[2]
            record["family_kana"] = record["given_kana"] = None

    def honorific(self, record: Record, person: dict[str, Any]) -> None:
        if record["family"].isascii():
            record["family"] = record["family"]
            record["given"] = (
                f"{self.random.choice(HONORIFICS_BEFORE)} {record['given'] or ''}".strip()
            )
            return
        mark = self.random.choice(HONORIFICS_AFTER)
        if record["given"]:
            record["given"] = f"{record['given']}{self.random.choice(['', ' '])}{mark}"
        else:
            record["family"] = f"{record['family']}{mark}"
        if self.random.random() < 0.3:
            record["company"] = f"{record['company']} 御中"


# -- text helpers (kept here so the data does not depend on leadkit) ----------------------------


def company_name(company: dict[str, Any]) -> str:
    name, form = company["name"], company["form"]
    if name.isascii():
        return f"{name} {form}"
    return f"{form}{name}" if company["before"] else f"{name}{form}"


_SMALL_TO_LARGE = {
    "ャ": "ヤ",
    "ュ": "ユ",
    "ョ": "ヨ",
    "ッ": "ツ",
    "ィ": "イ",
    "ェ": "エ",
    "ァ": "ア",
    "ォ": "オ",
}
_LONG_MARKS = ["－", "—", "‐", "-", "ｰ"]


def katakana_spelling(text: str, rnd: random.Random) -> str:
    """Another common spelling of the katakana words in *text*."""
    options = []
    if "ー" in text:
        options += ["drop_long", "long_mark"]
    if any(ch in _SMALL_TO_LARGE for ch in text):
        options.append("large")
    if "ヴ" in text or "ビ" in text:
        options.append("vu")
    if not options:
        return text
    option = rnd.choice(options)
    if option == "drop_long":
        # The long vowel at the end of a word goes: センター → センタ.
        chars = list(text)
        positions = [i for i, ch in enumerate(chars) if ch == "ー"]
        del chars[rnd.choice(positions)]
        return "".join(chars)
    if option == "long_mark":
        return text.replace("ー", rnd.choice(_LONG_MARKS))
    if option == "large":
        return "".join(_SMALL_TO_LARGE.get(ch, ch) for ch in text)
    if "ヴ" in text:
        return text.replace("ヴィ", "ビ").replace("ヴ", "ブ")
    return text.replace("ビ", "ヴィ")


def phone_form(phone: str, rnd: random.Random) -> str:
    national = phone[1:] if phone.startswith("0") else phone
    digits = phone.replace("-", "")
    choice = rnd.randrange(6)
    if choice == 0:
        return f"81-{national}"
    if choice == 1:
        return f"+81 (0){national.replace('-', ' ')}"
    if choice == 2:
        return to_fullwidth(phone).replace("-", "－")
    if choice == 3:
        area, _, rest = phone.partition("-")
        return f"({area}){rest}"
    if choice == 4:
        return digits
    return f"+81-{national}"


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


# -- the data set --------------------------------------------------------------------------------


def generate(seed: int = 13, *, companies: int = 40, people_per_company: int = 12) -> list[Record]:
    """The records, originals, copies and hard negatives, shuffled."""
    gen = _Generator(seed)
    rnd = gen.random
    chosen = COMPANIES[:companies]
    built = {name: gen.company(name, domain) for name, domain in chosen}
    people: list[dict[str, Any]] = []
    for company in built.values():
        taken: set[tuple[str, str]] = set()
        for _ in range(people_per_company):
            person = gen.person(company)
            key = (person["family"][0], person["given"][0])
            while key in taken:  # 同姓同名 only where the negatives put them
                person = gen.person(company)
                key = (person["family"][0], person["given"][0])
            taken.add(key)
            people.append(person)
    for person in people:
        gen.records.append(gen.base(person))

    # Copies: about half the people turn up again, once or twice.
    for person in people:
        if rnd.random() >= 0.5:
            continue
        for _ in range(rnd.choice([1, 1, 2])):
            count = rnd.choice([1, 1, 2, 3])
            variations = tuple(sorted(rnd.sample(VARIATIONS, count)))
            if person["romaji"]:
                variations = tuple(
                    v for v in variations if v not in {"reading_script", "variant_kanji"}
                )
                variations = variations or ("romaji_order",)
            gen.records.append(gen.copy(person, variations))

    _negatives(gen, built, people)
    rnd.shuffle(gen.records)
    for number, record in enumerate(gen.records):
        record["id"] = f"ja-{number:05d}"
    return gen.records


def _negatives(
    gen: _Generator, built: dict[str, dict[str, Any]], people: list[dict[str, Any]]
) -> None:
    rnd = gen.random
    # Colleagues with similar given names: same family, company and switchboard.
    similar = [p for p in people if p["given"][0] in SIMILAR_GIVENS and not p["romaji"]]
    for person in similar:
        if rnd.random() < 0.5:
            continue
        twin = gen.person(person["company"], person["family"], SIMILAR_GIVENS[person["given"][0]])
        twin["phone"] = person["company"]["switchboard"]
        twin["reading"] = person["reading"]
        twin["romaji"] = rnd.random() < 0.2
        if twin["romaji"]:
            gen.records.append(gen.base(twin, ("neg_similar_given",)))
            continue
        gen.records.append(gen.base(twin, ("neg_similar_given",)))
        # ... and one of them turns up again without an e-mail.
        if rnd.random() < 0.5:
            copy = gen.copy(twin, ("neg_similar_given",))
            copy["email"] = None
            gen.records.append(copy)
    # 同姓同名 at one company: different e-mail and phone.
    for person in rnd.sample(people, 25):
        if person["romaji"]:
            continue
        twin = gen.person(person["company"], person["family"], person["given"])
        twin["email"] = (
            f"{person['family'][2].lower()}.{person['given'][2][0].lower()}2@{person['company']['domain']}"
        )
        twin["phone"] = gen.phone("03")
        twin["mobile"] = gen.new_mobile() if person["mobile"] else None
        twin["reading"] = person["reading"]
        gen.records.append(gen.base(twin, ("neg_homonym",)))
    # Companies one character apart: the same names at the other company.
    for first, second, _, domain2 in COMPANY_TWINS:
        other = gen.company(second, domain2)
        other["form"] = built[first]["form"]
        other["before"] = built[first]["before"]
        originals = [p for p in people if p["company"]["name"] == first][:6]
        for person in originals:
            twin = gen.person(other, person["family"], person["given"])
            twin["reading"] = person["reading"]
            twin["romaji"] = person["romaji"]
            gen.records.append(gen.base(twin, ("neg_company_char",)))
    # A shared role address: different people at one company write from info@.
    for company in rnd.sample(list(built.values()), 12):
        local = rnd.choice(ROLE_LOCALS)
        names = {(p["family"][0], p["given"][0]) for p in people if p["company"] is company}
        for _ in range(2):
            person = gen.person(company)
            while (person["family"][0], person["given"][0]) in names:  # not a 同姓同名 too
                person = gen.person(company)
            names.add((person["family"][0], person["given"][0]))
            person["email"] = f"{local}@{company['domain']}"
            person["phone"] = company["switchboard"]
            gen.records.append(gen.base(person, ("neg_role_address",)))
    # Taro, "T." and Takeshi Yamada at one company: T. is Taro (same mobile), Takeshi is not.
    for company in rnd.sample(list(built.values()), 8):
        if company["name"].isascii():
            continue
        family = rnd.choice(FAMILIES)
        taro = gen.person(company, family, ("太郎", "タロウ", "Taro"))
        taro["romaji"] = True
        taro["phone"] = company["switchboard"]
        taro["mobile"] = gen.new_mobile()
        takeshi = gen.person(company, family, ("武", "タケシ", "Takeshi"))
        takeshi["romaji"] = True
        takeshi["phone"] = company["switchboard"]
        gen.records.append(gen.base(taro, ("neg_chain",)))
        gen.records.append(gen.base(takeshi, ("neg_chain",)))
        initial = gen.base(taro, ("neg_chain",))
        initial["given"] = "T."
        initial["email"] = None
        gen.records.append(initial)
