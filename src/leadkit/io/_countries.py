"""Countries by name, English or Japanese, to ISO 3166-1 alpha-2 codes: the one table.

The English names are those of the ISO 3166 list that tzdata ships (``iso3166.tab``),
with common aliases (USA, UK, South Korea ...) and the alpha-3 codes of frequent
countries; the Japanese names are the usual ones (日本, 米国, アメリカ, 英国, 韓国 ...).
Names match ignoring case, width, dots and a leading "the".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

__all__ = ["country_code", "country_names"]

# code | English names (;-separated) | Japanese names (;-separated)
_TABLE = """\
AD|Andorra|
AE|United Arab Emirates;UAE;ARE|アラブ首長国連邦
AF|Afghanistan|アフガニスタン
AG|Antigua & Barbuda;Antigua and Barbuda|
AI|Anguilla|
AL|Albania|
AM|Armenia|
AO|Angola|
AQ|Antarctica|
AR|Argentina|アルゼンチン
AS|Samoa (American)|
AT|Austria;AUT|オーストリア
AU|Australia;AUS|オーストラリア;豪州
AW|Aruba|
AX|Åland Islands|
AZ|Azerbaijan|
BA|Bosnia & Herzegovina;Bosnia and Herzegovina|
BB|Barbados|
BD|Bangladesh|バングラデシュ
BE|Belgium;BEL|ベルギー
BF|Burkina Faso|
BG|Bulgaria|ブルガリア
BH|Bahrain|バーレーン
BI|Burundi|
BJ|Benin|
BL|St Barthelemy|
BM|Bermuda|
BN|Brunei|ブルネイ
BO|Bolivia;Bolivia|
BQ|Caribbean NL|
BR|Brazil;BRA|ブラジル
BS|Bahamas|
BT|Bhutan|ブータン
BV|Bouvet Island|
BW|Botswana|
BY|Belarus|ベラルーシ
BZ|Belize|
CA|Canada;CAN|カナダ
CC|Cocos (Keeling) Islands|
CD|Congo (Dem. Rep.)|
CF|Central African Rep.|
CG|Congo (Rep.)|
CH|Switzerland;Switzerland;CHE|スイス
CI|Côte d'Ivoire;Ivory Coast;Côte d'Ivoire|
CK|Cook Islands|
CL|Chile|チリ
CM|Cameroon|
CN|China;PRC;People's Republic of China;CHN|中国;中華人民共和国
CO|Colombia|コロンビア
CR|Costa Rica|コスタリカ
CU|Cuba|キューバ
CV|Cape Verde|
CW|Curaçao|
CX|Christmas Island|
CY|Cyprus|キプロス
CZ|Czech Republic;Czech Republic;Czechia|チェコ
DE|Germany;Deutschland;DEU|ドイツ
DJ|Djibouti|
DK|Denmark;DNK|デンマーク
DM|Dominica|
DO|Dominican Republic|
DZ|Algeria|アルジェリア
EC|Ecuador|エクアドル
EE|Estonia|エストニア
EG|Egypt|エジプト
EH|Western Sahara|
ER|Eritrea|
ES|Spain;ESP|スペイン
ET|Ethiopia|エチオピア
FI|Finland;FIN|フィンランド
FJ|Fiji|フィジー
FK|Falkland Islands|
FM|Micronesia;Micronesia|
FO|Faroe Islands|
FR|France;FRA|フランス
GA|Gabon|
GB|Britain (UK);United Kingdom;UK;U.K.;Great Britain;England;Scotland;Wales;GBR|イギリス;英国
GD|Grenada|
GE|Georgia|
GF|French Guiana|
GG|Guernsey|
GH|Ghana|ガーナ
GI|Gibraltar|
GL|Greenland|
GM|Gambia|
GN|Guinea|
GP|Guadeloupe|
GQ|Equatorial Guinea|
GR|Greece|ギリシャ
GS|South Georgia & the South Sandwich Islands;South Georgia and the South Sandwich Islands|
GT|Guatemala|
GU|Guam|グアム
GW|Guinea-Bissau|
GY|Guyana|
HK|Hong Kong;HKG|香港
HM|Heard Island & McDonald Islands;Heard Island and McDonald Islands|
HN|Honduras|
HR|Croatia|クロアチア
HT|Haiti|
HU|Hungary|ハンガリー
ID|Indonesia;IDN|インドネシア
IE|Ireland;IRL|アイルランド
IL|Israel;ISR|イスラエル
IM|Isle of Man|
IN|India;IND|インド
IO|British Indian Ocean Territory|
IQ|Iraq|イラク
IR|Iran;Iran, Islamic Republic of|イラン
IS|Iceland|アイスランド
IT|Italy;ITA|イタリア
JE|Jersey|
JM|Jamaica|ジャマイカ
JO|Jordan|ヨルダン
JP|Japan;Nippon;Nihon;JPN|日本;日本国
KE|Kenya|ケニア
KG|Kyrgyzstan|
KH|Cambodia|カンボジア
KI|Kiribati|
KM|Comoros|
KN|St Kitts & Nevis;St Kitts and Nevis|
KP|Korea (North);North Korea;Korea, Democratic People's Republic of|北朝鮮
KR|Korea (South);South Korea;Korea;Republic of Korea;Korea, Republic of;KOR|韓国;大韓民国
KW|Kuwait|クウェート
KY|Cayman Islands|
KZ|Kazakhstan|カザフスタン
LA|Laos;Lao People's Democratic Republic|ラオス
LB|Lebanon|レバノン
LC|St Lucia|
LI|Liechtenstein|
LK|Sri Lanka|スリランカ
LR|Liberia|
LS|Lesotho|
LT|Lithuania|リトアニア
LU|Luxembourg|ルクセンブルク
LV|Latvia|ラトビア
LY|Libya|
MA|Morocco|モロッコ
MC|Monaco|モナコ
MD|Moldova;Moldova|
ME|Montenegro|
MF|St Martin (French)|
MG|Madagascar|
MH|Marshall Islands|
MK|North Macedonia|
ML|Mali|
MM|Myanmar (Burma);Burma|ミャンマー
MN|Mongolia|モンゴル
MO|Macau;MAC|マカオ
MP|Northern Mariana Islands|
MQ|Martinique|
MR|Mauritania|
MS|Montserrat|
MT|Malta|マルタ
MU|Mauritius|
MV|Maldives|モルディブ
MW|Malawi|
MX|Mexico;MEX|メキシコ
MY|Malaysia;MYS|マレーシア
MZ|Mozambique|
NA|Namibia|
NC|New Caledonia|
NE|Niger|
NF|Norfolk Island|
NG|Nigeria|ナイジェリア
NI|Nicaragua|
NL|Netherlands;Holland;The Netherlands;NLD|オランダ
NO|Norway;NOR|ノルウェー
NP|Nepal|ネパール
NR|Nauru|
NU|Niue|
NZ|New Zealand;NZL|ニュージーランド
OM|Oman|オマーン
PA|Panama|パナマ
PE|Peru|ペルー
PF|French Polynesia|
PG|Papua New Guinea|パプアニューギニア
PH|Philippines;PHL|フィリピン
PK|Pakistan|パキスタン
PL|Poland;POL|ポーランド
PM|St Pierre & Miquelon;St Pierre and Miquelon|
PN|Pitcairn|
PR|Puerto Rico|プエルトリコ
PS|Palestine;Palestine|
PT|Portugal;PRT|ポルトガル
PW|Palau|
PY|Paraguay|パラグアイ
QA|Qatar|カタール
RE|Réunion|
RO|Romania|ルーマニア
RS|Serbia|セルビア
RU|Russia;Russian Federation;RUS|ロシア
RW|Rwanda|
SA|Saudi Arabia;SAU|サウジアラビア
SB|Solomon Islands|
SC|Seychelles|
SD|Sudan|
SE|Sweden;SWE|スウェーデン
SG|Singapore;SGP|シンガポール
SH|St Helena|
SI|Slovenia|スロベニア
SJ|Svalbard & Jan Mayen;Svalbard and Jan Mayen|
SK|Slovakia|スロバキア
SL|Sierra Leone|
SM|San Marino|
SN|Senegal|
SO|Somalia|
SR|Suriname|
SS|South Sudan|
ST|Sao Tome & Principe;Sao Tome and Principe|
SV|El Salvador|
SX|St Maarten (Dutch)|
SY|Syria;Syrian Arab Republic|
SZ|Eswatini (Swaziland)|
TC|Turks & Caicos Is;Turks and Caicos Is|
TD|Chad|
TF|French S. Terr.|
TG|Togo|
TH|Thailand;THA|タイ
TJ|Tajikistan|
TK|Tokelau|
TL|East Timor|
TM|Turkmenistan|
TN|Tunisia|チュニジア
TO|Tonga|
TR|Turkey;Turkiye;Türkiye;TUR|トルコ
TT|Trinidad & Tobago;Trinidad and Tobago|
TV|Tuvalu|
TW|Taiwan;Republic of China;TWN|台湾
TZ|Tanzania;Tanzania|タンザニア
UA|Ukraine|ウクライナ
UG|Uganda|ウガンダ
UM|US minor outlying islands|
US|United States;USA;US;U.S.;U.S.A.;United States of America;USA|アメリカ;米国;アメリカ合衆国
UY|Uruguay|ウルグアイ
UZ|Uzbekistan|ウズベキスタン
VA|Vatican City|
VC|St Vincent|
VE|Venezuela;Venezuela|ベネズエラ
VG|Virgin Islands (UK)|
VI|Virgin Islands (US)|
VN|Vietnam;Viet Nam;VNM|ベトナム
VU|Vanuatu|
WF|Wallis & Futuna;Wallis and Futuna|
WS|Samoa (western)|
YE|Yemen|
YT|Mayotte|
ZA|South Africa;ZAF|南アフリカ
ZM|Zambia|
ZW|Zimbabwe|ジンバブエ
"""


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    text = re.sub(r"[.\u30fb]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")


@cache
def _index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for line in _TABLE.splitlines():
        code, english, japanese = line.split("|")
        for name in (code, *english.split(";"), *japanese.split(";")):
            if name:
                index.setdefault(_key(name), code)
    return index


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country named in English or Japanese, or its
    code; ``None`` when the name is not known.

    >>> country_code("Japan"), country_code("日本"), country_code("USA"), country_code("米国")
    ('JP', 'JP', 'US', 'US')
    >>> country_code("the Netherlands"), country_code("ｊｐ"), country_code("Atlantis")
    ('NL', 'JP', None)
    """
    return _index().get(_key(name))


def country_names() -> Mapping[str, str]:
    """Every name (normalised as :func:`country_code` matches it) and its code."""
    return dict(_index())
