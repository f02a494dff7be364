"""The vocabulary of the sample: names, companies, titles and industries in both languages.

Compact word lists embedded in the package so that the generator needs nothing but the
standard library. Lists are ordered from most to least common where that matters (family
names), and read as ``kanji:kana:romaji`` triples to keep them short.
"""

from __future__ import annotations

from typing import NamedTuple

from leadkit.sample._choice import Weighted, zipf


class JapaneseName(NamedTuple):
    """A name part in kanji, its reading in katakana and its romanisation."""

    kanji: str
    kana: str
    romaji: str


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _triples(text: str) -> tuple[JapaneseName, ...]:
    return tuple(JapaneseName(*item.split(":")) for item in text.split())


# The hundred most common family names, most common first.
JA_FAMILY = _triples(
    """
    佐藤:サトウ:sato 鈴木:スズキ:suzuki 高橋:タカハシ:takahashi 田中:タナカ:tanaka
    伊藤:イトウ:ito 渡辺:ワタナベ:watanabe 山本:ヤマモト:yamamoto 中村:ナカムラ:nakamura
    小林:コバヤシ:kobayashi 加藤:カトウ:kato 吉田:ヨシダ:yoshida 山田:ヤマダ:yamada
    佐々木:ササキ:sasaki 山口:ヤマグチ:yamaguchi 松本:マツモト:matsumoto 井上:イノウエ:inoue
    木村:キムラ:kimura 林:ハヤシ:hayashi 斎藤:サイトウ:saito 清水:シミズ:shimizu
    山崎:ヤマザキ:yamazaki 森:モリ:mori 池田:イケダ:ikeda 橋本:ハシモト:hashimoto
    阿部:アベ:abe 石川:イシカワ:ishikawa 山下:ヤマシタ:yamashita 中島:ナカジマ:nakajima
    石井:イシイ:ishii 小川:オガワ:ogawa 前田:マエダ:maeda 岡田:オカダ:okada
    長谷川:ハセガワ:hasegawa 藤田:フジタ:fujita 後藤:ゴトウ:goto 近藤:コンドウ:kondo
    村上:ムラカミ:murakami 遠藤:エンドウ:endo 青木:アオキ:aoki 坂本:サカモト:sakamoto
    斉藤:サイトウ:saito 福田:フクダ:fukuda 太田:オオタ:ota 西村:ニシムラ:nishimura
    藤井:フジイ:fujii 金子:カネコ:kaneko 岡本:オカモト:okamoto 藤原:フジワラ:fujiwara
    中野:ナカノ:nakano 三浦:ミウラ:miura 原田:ハラダ:harada 中川:ナカガワ:nakagawa
    松田:マツダ:matsuda 竹内:タケウチ:takeuchi 小野:オノ:ono 田村:タムラ:tamura
    中山:ナカヤマ:nakayama 和田:ワダ:wada 石田:イシダ:ishida 森田:モリタ:morita
    上田:ウエダ:ueda 原:ハラ:hara 柴田:シバタ:shibata 酒井:サカイ:sakai
    工藤:クドウ:kudo 横山:ヨコヤマ:yokoyama 宮崎:ミヤザキ:miyazaki 宮本:ミヤモト:miyamoto
    内田:ウチダ:uchida 高木:タカギ:takagi 安藤:アンドウ:ando 島田:シマダ:shimada
    谷口:タニグチ:taniguchi 大野:オオノ:ono 高田:タカダ:takada 丸山:マルヤマ:maruyama
    今井:イマイ:imai 河野:コウノ:kono 藤本:フジモト:fujimoto 村田:ムラタ:murata
    武田:タケダ:takeda 上野:ウエノ:ueno 杉山:スギヤマ:sugiyama 増田:マスダ:masuda
    小山:コヤマ:koyama 大塚:オオツカ:otsuka 平野:ヒラノ:hirano 菅原:スガワラ:sugawara
    久保:クボ:kubo 松井:マツイ:matsui 千葉:チバ:chiba 岩崎:イワサキ:iwasaki
    桜井:サクライ:sakurai 木下:キノシタ:kinoshita 野口:ノグチ:noguchi 松尾:マツオ:matsuo
    菊地:キクチ:kikuchi 野村:ノムラ:nomura 新井:アライ:arai 渡部:ワタナベ:watanabe
    """
)

JA_GIVEN = _triples(
    """
    太郎:タロウ:taro 一郎:イチロウ:ichiro 健:ケン:ken 翔太:ショウタ:shota
    大輔:ダイスケ:daisuke 拓也:タクヤ:takuya 直樹:ナオキ:naoki 誠:マコト:makoto
    浩二:コウジ:koji 健太:ケンタ:kenta 亮:リョウ:ryo 和也:カズヤ:kazuya
    剛:ツヨシ:tsuyoshi 隆:タカシ:takashi 学:マナブ:manabu 聡:サトシ:satoshi
    達也:タツヤ:tatsuya 修:オサム:osamu 洋平:ヨウヘイ:yohei 悠斗:ユウト:yuto
    蓮:レン:ren 大翔:ヒロト:hiroto 陽太:ヨウタ:yota 浩:ヒロシ:hiroshi
    康介:コウスケ:kosuke 慎一郎:シンイチロウ:shinichiro 真司:シンジ:shinji
    雄一:ユウイチ:yuichi 正樹:マサキ:masaki 秀明:ヒデアキ:hideaki 竜也:タツヤ:tatsuya
    広志:ヒロシ:hiroshi 花子:ハナコ:hanako 美咲:ミサキ:misaki 直子:ナオコ:naoko
    陽菜:ヒナ:hina 由美:ユミ:yumi 恵:メグミ:megumi 愛:アイ:ai 裕子:ユウコ:yuko
    智子:トモコ:tomoko 真由美:マユミ:mayumi 久美子:クミコ:kumiko 明美:アケミ:akemi
    結衣:ユイ:yui さくら:サクラ:sakura 彩:アヤ:aya 麻衣:マイ:mai 千尋:チヒロ:chihiro
    美穂:ミホ:miho 香織:カオリ:kaori 奈々:ナナ:nana 理恵:リエ:rie 沙織:サオリ:saori
    葵:アオイ:aoi 真理子:マリコ:mariko 恵子:ケイコ:keiko 洋子:ヨウコ:yoko
    優子:ユウコ:yuko 舞:マイ:mai 京子:キョウコ:kyoko 綾香:アヤカ:ayaka 桜子:サクラコ:sakurako
    """
)

# Variant and mistyped kanji that turn up when the same person is entered twice:
# old forms (髙 for 高, 邊 for 辺), and wrong IME conversions (朗 for 郎, 籐 for 藤).
KANJI_VARIANTS: dict[str, str] = {
    "斎": "齋",
    "斉": "齊",
    "辺": "邊",
    "高": "髙",
    "崎": "﨑",
    "沢": "澤",
    "島": "嶋",
    "桜": "櫻",
    "郎": "朗",
    "恵": "惠",
    "真": "眞",
    "広": "廣",
    "竜": "龍",
    "藤": "籐",
    "介": "助",
    "太": "大",
    "子": "了",
    "美": "実",
    "和": "知",
}

EN_FAMILY = _words(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
    Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
    Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
    Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales
    Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos
    Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes
    Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
    """
)

EN_GIVEN = _words(
    """
    James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy
    Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily
    Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah
    Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Amy
    Jacob Kathleen Gary Angela Nicholas Shirley Eric Brenda Jonathan Emma Stephen Anna
    Larry Pamela Justin Nicole Scott Samantha Brandon Katherine Benjamin Christine Samuel
    Rachel Gregory Olivia Alexander Megan Patrick Victoria Frank Hannah
    """
)


class CompanyPart(NamedTuple):
    """A word of a company name, with its romanisation (for the web domain)."""

    text: str
    romaji: str


class Suffix(NamedTuple):
    """The business word of a company name and the industry it implies."""

    text: str
    romaji: str
    industry: str


def _parts(text: str) -> tuple[CompanyPart, ...]:
    return tuple(CompanyPart(*item.split(":")) for item in text.split())


def _suffixes(text: str) -> tuple[Suffix, ...]:
    return tuple(Suffix(*item.split(":")) for item in text.split())


# Company name roots: kanji, kana and Latin, so that width variants (ＡＢＣ, ｱｰｸ) apply.
JA_COMPANY_ROOTS = _parts(
    """
    東洋:toyo 日本:nihon 大和:yamato 富士:fuji 三和:sanwa 中央:chuo 北斗:hokuto 青葉:aoba
    光:hikari さくら:sakura みらい:mirai 東亜:toa 新光:shinko 昭和:showa 太平洋:taiheiyo
    大東:daito 協和:kyowa 旭:asahi 中部:chubu 関西:kansai 九州:kyushu 北海:hokkai
    瀬戸内:setouchi 湘南:shonan 信州:shinshu 若葉:wakaba 緑:midori 白鳥:shiratori
    銀河:ginga 千代田:chiyoda 浪速:naniwa 山田:yamada 田中:tanaka 佐藤:sato 丸井:marui
    高砂:takasago 松風:matsukaze 日進:nisshin 共栄:kyoei 平和:heiwa 菱光:ryoko
    アーク:ark ネクスト:next リンク:link ブライト:bright グローバル:global
    フロンティア:frontier アルファ:alpha テクノ:techno ユニオン:union エース:ace
    コスモ:cosmo サンライズ:sunrise プラス:plus オリオン:orion ミライ:mirai
    ABC:abc K2:k2 NEXT:next JTS:jts TKG:tkg AIS:ais GSI:gsi ZEN:zen
    """
)

# Place names put in front of a root at larger sizes, so that names rarely repeat.
JA_PLACES = _parts(
    """
    東京:tokyo 大阪:osaka 横浜:yokohama 名古屋:nagoya 札幌:sapporo 福岡:fukuoka 神戸:kobe
    京都:kyoto 仙台:sendai 広島:hiroshima 新潟:niigata 静岡:shizuoka 浜松:hamamatsu
    熊本:kumamoto 岡山:okayama 金沢:kanazawa 千葉:chiba 埼玉:saitama 北陸:hokuriku
    東海:tokai 四国:shikoku 山陰:sanin 東北:tohoku 沖縄:okinawa 富山:toyama 長野:nagano
    """
)

JA_SUFFIXES = _suffixes(
    """
    製作所:seisakusho:製造業 工業:kogyo:製造業 電機:denki:製造業 精機:seiki:製造業
    化学:kagaku:製造業 食品:shokuhin:製造業 薬品:yakuhin:製造業 印刷:insatsu:製造業
    商事:shoji:卸売業 物産:bussan:卸売業 産業:sangyo:卸売業 建設:kensetsu:建設業
    工務店:komuten:建設業 運輸:unyu:運輸業 ロジスティクス:logistics:運輸業
    不動産:fudosan:不動産業 システムズ:systems:情報通信業 ソリューションズ:solutions:情報通信業
    テクノロジーズ:technologies:情報通信業 ソフト:soft:情報通信業 ネットワークス:networks:情報通信業
    情報サービス:joho:情報通信業 データ:data:情報通信業 キャピタル:capital:金融業・保険業
    証券:shoken:金融業・保険業 リース:lease:金融業・保険業 ストア:store:小売業
    百貨店:hyakkaten:小売業 薬局:yakkyoku:小売業 商店:shoten:小売業
    ホテル:hotel:宿泊業・飲食サービス業
    フーズ:foods:宿泊業・飲食サービス業 メディカル:medical:医療・福祉 ケアサービス:care:医療・福祉
    教育:kyoiku:教育・学習支援業 コンサルティング:consulting:学術研究・専門・技術サービス業
    エンジニアリング:engineering:学術研究・専門・技術サービス業 電力:denryoku:電気・ガス業
    広告:kokoku:サービス業 人材サービス:jinzai:サービス業
    """
)

EN_COMPANY_ROOTS = _parts(
    """
    Summit:summit Pioneer:pioneer Northwind:northwind Harbor:harbor Apex:apex Cedar:cedar
    Granite:granite Lumen:lumen Vertex:vertex Bluebird:bluebird Redwood:redwood
    Silverline:silverline Keystone:keystone Evergreen:evergreen Ironwood:ironwood
    Brightpath:brightpath Clearwater:clearwater Riverbend:riverbend Oakridge:oakridge
    Sterling:sterling Beacon:beacon Horizon:horizon Atlas:atlas Meridian:meridian
    Cobalt:cobalt Falcon:falcon Liberty:liberty Pinnacle:pinnacle Frontier:frontier
    Crescent:crescent Quantum:quantum Nova:nova Orion:orion Sequoia:sequoia Juniper:juniper
    Maple:maple Willow:willow Aspen:aspen Magnolia:magnolia Lakeside:lakeside
    Westfield:westfield Eastbrook:eastbrook Highland:highland Bayview:bayview
    Stonebridge:stonebridge Greenfield:greenfield Fairview:fairview Ridgeway:ridgeway
    Copperleaf:copperleaf Tidewater:tidewater Bramble:bramble Kestrel:kestrel
    """
)

EN_PLACES = _parts(
    """
    Pacific:pacific Atlantic:atlantic American:american United:united National:national
    Global:global First:first North:north South:south Western:western Eastern:eastern
    Central:central Coastal:coastal Midwest:midwest Northern:northern Great:great
    Metro:metro Valley:valley Mountain:mountain Delta:delta
    """
)

EN_SUFFIXES = _suffixes(
    """
    Analytics:analytics:IT Software:software:IT Systems:systems:IT Technologies:tech:IT
    Labs:labs:IT Networks:networks:IT Cloud:cloud:IT Data:data:IT
    Manufacturing:mfg:Manufacturing Industries:industries:Manufacturing
    Machinery:machinery:Manufacturing Components:components:Manufacturing
    Foods:foods:Manufacturing Logistics:logistics:Transportation Freight:freight:Transportation
    Capital:capital:Finance Financial:financial:Finance Insurance:insurance:Finance
    Health:health:Healthcare Medical:medical:Healthcare Pharma:pharma:Healthcare
    Outfitters:outfitters:Retail Markets:markets:Retail Goods:goods:Retail
    Construction:construction:Construction Builders:builders:Construction
    Realty:realty:Real_Estate Properties:properties:Real_Estate
    Consulting:consulting:Professional_Services Advisors:advisors:Professional_Services
    Media:media:Media Energy:energy:Energy Learning:learning:Education
    Hospitality:hospitality:Hospitality
    """
)
# "_" stands for a space in the table above.
EN_SUFFIXES = tuple(s._replace(industry=s.industry.replace("_", " ")) for s in EN_SUFFIXES)

# (legal form, weight, written before the name?) — 前株 and 後株 are both common.
JA_LEGAL_FORMS = Weighted(
    [
        (("株式会社", True), 38.0),
        (("株式会社", False), 47.0),
        (("有限会社", True), 4.0),
        (("有限会社", False), 4.0),
        (("合同会社", False), 7.0),
    ]
)
# How each form is abbreviated in bracket form, as people type it.
JA_ABBREVIATIONS = {"株式会社": "(株)", "有限会社": "(有)", "合同会社": "(同)"}
JA_CIRCLED = {"株式会社": "㈱", "有限会社": "㈲"}

EN_LEGAL_FORMS = Weighted(
    [("Inc.", 45.0), ("LLC", 25.0), ("Corp.", 15.0), ("Co.", 5.0), ("Ltd.", 5.0), ("", 5.0)]
)
# Spellings of the same legal form; company_key treats them alike.
EN_LEGAL_SPELLINGS = {
    "Inc.": ("Inc", "Incorporated", ", Inc.", "INC."),
    "LLC": ("L.L.C.", ", LLC", "llc"),
    "Corp.": ("Corporation", "Corp", ", Corp."),
    "Co.": ("Company", "Co"),
    "Ltd.": ("Limited", "Ltd"),
    "": ("Inc.", "LLC"),
}

JA_DEPARTMENTS = Weighted(
    [
        ("営業部", 25.0),
        ("マーケティング部", 15.0),
        ("情報システム部", 15.0),
        ("開発部", 10.0),
        ("経営企画部", 8.0),
        ("総務部", 8.0),
        ("人事部", 5.0),
        ("購買部", 5.0),
        ("経理部", 5.0),
        ("カスタマーサクセス部", 4.0),
    ]
)
# (title, weight); None stands for staff without a title.
JA_TITLES: Weighted[str | None] = Weighted(
    [
        ("代表取締役社長", 2.0),
        ("取締役", 3.0),
        ("執行役員", 2.0),
        ("本部長", 4.0),
        ("部長", 12.0),
        ("次長", 4.0),
        ("課長", 15.0),
        ("係長", 8.0),
        ("主任", 12.0),
        ("マネージャー", 5.0),
        ("リーダー", 3.0),
        ("エンジニア", 4.0),
        ("担当", 15.0),
        (None, 9.0),
        ("インターン", 2.0),
    ]
)

EN_DEPARTMENTS = Weighted(
    [
        ("Sales", 25.0),
        ("Marketing", 18.0),
        ("IT", 15.0),
        ("Engineering", 12.0),
        ("Operations", 10.0),
        ("Finance", 6.0),
        ("HR", 4.0),
        ("Procurement", 4.0),
        ("Executive", 3.0),
    ]
)
EN_TITLES: Weighted[str | None] = Weighted(
    [
        ("CEO", 2.0),
        ("Founder", 1.0),
        ("CTO", 2.0),
        ("CFO", 1.0),
        ("VP Sales", 3.0),
        ("VP Marketing", 3.0),
        ("VP Engineering", 2.0),
        ("Director of Sales", 4.0),
        ("Director of Marketing", 4.0),
        ("Director of IT", 4.0),
        ("Head of Operations", 3.0),
        ("Sales Manager", 8.0),
        ("Marketing Manager", 8.0),
        ("IT Manager", 6.0),
        ("Operations Manager", 5.0),
        ("Account Executive", 8.0),
        ("Sales Representative", 6.0),
        ("Marketing Specialist", 6.0),
        ("Engineer", 8.0),
        ("Software Engineer", 6.0),
        ("Analyst", 6.0),
        ("Coordinator", 4.0),
        ("Consultant", 3.0),
        (None, 4.0),
        ("Intern", 2.0),
    ]
)

JA_FREE_MAIL = Weighted(
    [
        ("gmail.com", 50.0),
        ("yahoo.co.jp", 30.0),
        ("outlook.jp", 8.0),
        ("icloud.com", 6.0),
        ("docomo.ne.jp", 6.0),
    ]
)
EN_FREE_MAIL = Weighted(
    [
        ("gmail.com", 60.0),
        ("yahoo.com", 15.0),
        ("outlook.com", 15.0),
        ("icloud.com", 5.0),
        ("aol.com", 5.0),
    ]
)

PRODUCT_INTERESTS = Weighted(
    [("CRM", 40.0), ("MA", 25.0), ("SFA", 20.0), ("CDP", 10.0), ("BI", 5.0)]
)

JA_DESCRIPTIONS = (
    "展示会で名刺交換。CRM の刷新を検討中。",
    "資料請求あり。来期の予算化を検討。",
    "既存システムの保守切れに伴いリプレース検討。",
    "セミナー参加後、個別相談を希望。",
    "代理店経由の紹介。\n決裁者は部長。",
    "価格表の送付を依頼された。",
)
EN_DESCRIPTIONS = (
    "Met at the booth; evaluating CRM options for next quarter.",
    "Asked for a pricing sheet.",
    "Current contract ends in the fall.\nDecision maker is the VP Sales.",
    "Downloaded the scoring whitepaper, wants a demo.",
    "Referred by a partner, budget approved.",
)

PAGE_URLS = zipf(
    [
        "/",
        "/product",
        "/product/scoring",
        "/product/routing",
        "/product/dedupe",
        "/blog/lead-scoring-basics",
        "/case-studies",
        "/ja/",
        "/ja/product",
        "/blog/mql-vs-sql",
        "/integrations",
        "/security",
        "/about",
        "/blog/名寄せ入門",
        "/case-studies/manufacturing",
        "/docs/getting-started",
    ],
    exponent=0.8,
)
CAREERS_URLS = Weighted([("/careers", 3.0), ("/careers/engineer", 1.0), ("/careers/sales", 1.0)])
FORMS = Weighted(
    [("contact", 4.0), ("資料請求", 3.0), ("demo", 2.0), ("newsletter", 2.0), ("webinar", 1.0)]
)
ASSETS = zipf(
    [
        "whitepaper-lead-scoring.pdf",
        "事例集.pdf",
        "料金表.pdf",
        "product-overview.pdf",
        "名寄せガイド.pdf",
        "roi-calculator.xlsx",
        "security-checklist.pdf",
    ]
)
LINKS = Weighted([("/pricing", 3.0), ("/product", 3.0), ("/case-studies", 2.0), ("/blog", 2.0)])

JA_TOWNS = (
    "本町",
    "中央",
    "栄町",
    "駅前",
    "旭町",
    "新町",
    "緑町",
    "幸町",
    "大手町",
    "丸の内",
    "錦",
    "天神",
    "港町",
    "桜木町",
)
EN_STREETS = (
    "Main St",
    "Oak Ave",
    "Pine St",
    "Maple Ave",
    "Cedar Rd",
    "Elm St",
    "Washington Blvd",
    "Lake Dr",
    "Hill Rd",
    "Park Ave",
    "Market St",
    "Broadway",
    "2nd St",
    "Mission St",
    "Commerce Dr",
)


def weighted_names(names: tuple[JapaneseName, ...]) -> Weighted[JapaneseName]:
    """Names weighted by their rank in the list."""
    return zipf(names, exponent=0.6)


__all__ = [
    "ASSETS",
    "CAREERS_URLS",
    "EN_COMPANY_ROOTS",
    "EN_DEPARTMENTS",
    "EN_DESCRIPTIONS",
    "EN_FAMILY",
    "EN_FREE_MAIL",
    "EN_GIVEN",
    "EN_LEGAL_FORMS",
    "EN_LEGAL_SPELLINGS",
    "EN_PLACES",
    "EN_STREETS",
    "EN_SUFFIXES",
    "EN_TITLES",
    "FORMS",
    "JA_ABBREVIATIONS",
    "JA_CIRCLED",
    "JA_COMPANY_ROOTS",
    "JA_DEPARTMENTS",
    "JA_DESCRIPTIONS",
    "JA_FAMILY",
    "JA_FREE_MAIL",
    "JA_GIVEN",
    "JA_LEGAL_FORMS",
    "JA_PLACES",
    "JA_SUFFIXES",
    "JA_TITLES",
    "JA_TOWNS",
    "KANJI_VARIANTS",
    "LINKS",
    "PAGE_URLS",
    "PRODUCT_INTERESTS",
    "CompanyPart",
    "JapaneseName",
    "Suffix",
    "weighted_names",
]
