"""Where sample companies are: prefectures by population, US states, cities and their
telephone area codes and postal code prefixes."""

from __future__ import annotations

from typing import NamedTuple

from leadkit.sample._choice import Weighted


class City(NamedTuple):
    """A city with the area code of its phone numbers and the start of its postal codes."""

    name: str
    area_code: str
    postal_prefix: str


class Region(NamedTuple):
    """A prefecture or a state: its name and its business cities."""

    name: str
    cities: tuple[City, ...]


def _cities(text: str) -> tuple[City, ...]:
    # Items are separated by spaces, so a space inside a city name is written "_".
    cities = (City(*item.split(":")) for item in text.split())
    return tuple(city._replace(name=city.name.replace("_", " ")) for city in cities)


# (prefecture, population in ten thousands (2020 census), cities as name:area:postal).
_PREFECTURES = [
    ("北海道", 522, "札幌市中央区:011:060 旭川市:0166:070"),
    ("青森県", 124, "青森市:017:030"),
    ("岩手県", 121, "盛岡市:019:020"),
    ("宮城県", 230, "仙台市青葉区:022:980"),
    ("秋田県", 96, "秋田市:018:010"),
    ("山形県", 107, "山形市:023:990"),
    ("福島県", 183, "福島市:024:960 郡山市:024:963"),
    ("茨城県", 287, "水戸市:029:310 つくば市:029:305"),
    ("栃木県", 193, "宇都宮市:028:320"),
    ("群馬県", 194, "前橋市:027:371 高崎市:027:370"),
    ("埼玉県", 734, "さいたま市大宮区:048:330 川越市:049:350"),
    ("千葉県", 628, "千葉市中央区:043:260 船橋市:047:273"),
    (
        "東京都",
        1405,
        "千代田区:03:100 中央区:03:104 港区:03:105 新宿区:03:160 渋谷区:03:150 "
        "品川区:03:141 八王子市:042:192",
    ),
    ("神奈川県", 924, "横浜市西区:045:220 川崎市中原区:044:211 厚木市:046:243"),
    ("新潟県", 220, "新潟市中央区:025:950"),
    ("富山県", 103, "富山市:076:930"),
    ("石川県", 113, "金沢市:076:920"),
    ("福井県", 77, "福井市:0776:910"),
    ("山梨県", 81, "甲府市:055:400"),
    ("長野県", 205, "長野市:026:380 松本市:0263:390"),
    ("岐阜県", 198, "岐阜市:058:500"),
    ("静岡県", 363, "静岡市葵区:054:420 浜松市中区:053:430"),
    ("愛知県", 754, "名古屋市中区:052:460 名古屋市中村区:052:450 豊田市:0565:471"),
    ("三重県", 177, "津市:059:514 四日市市:059:510"),
    ("滋賀県", 141, "大津市:077:520"),
    ("京都府", 258, "京都市下京区:075:600"),
    ("大阪府", 884, "大阪市北区:06:530 大阪市中央区:06:540 堺市堺区:072:590"),
    ("兵庫県", 547, "神戸市中央区:078:650 姫路市:079:670"),
    ("奈良県", 132, "奈良市:0742:630"),
    ("和歌山県", 92, "和歌山市:073:640"),
    ("鳥取県", 55, "鳥取市:0857:680"),
    ("島根県", 67, "松江市:0852:690"),
    ("岡山県", 189, "岡山市北区:086:700"),
    ("広島県", 280, "広島市中区:082:730 福山市:084:720"),
    ("山口県", 134, "山口市:083:753"),
    ("徳島県", 72, "徳島市:088:770"),
    ("香川県", 95, "高松市:087:760"),
    ("愛媛県", 133, "松山市:089:790"),
    ("高知県", 69, "高知市:088:780"),
    ("福岡県", 514, "福岡市博多区:092:812 北九州市小倉北区:093:802"),
    ("佐賀県", 81, "佐賀市:0952:840"),
    ("長崎県", 131, "長崎市:095:850"),
    ("熊本県", 174, "熊本市中央区:096:860"),
    ("大分県", 112, "大分市:097:870"),
    ("宮崎県", 107, "宮崎市:0985:880"),
    ("鹿児島県", 159, "鹿児島市:099:890"),
    ("沖縄県", 147, "那覇市:098:900"),
]

# Head offices crowd into the big cities: weight by population, with the business
# centres weighted up (Tokyo most of all).
_BUSINESS_WEIGHT = {"東京都": 2.5, "大阪府": 1.5, "愛知県": 1.3, "福岡県": 1.2}

PREFECTURES: Weighted[Region] = Weighted(
    (Region(name, _cities(cities)), population * _BUSINESS_WEIGHT.get(name, 1.0))
    for name, population, cities in _PREFECTURES
)

# (state code, population in millions, cities as name:area:zip-prefix).
_STATES = [
    ("CA", 39.0, "San_Francisco:415:941 Los_Angeles:213:900 San_Jose:408:951 San_Diego:619:921"),
    ("TX", 29.5, "Austin:512:787 Dallas:214:752 Houston:713:770"),
    ("FL", 21.8, "Miami:305:331 Tampa:813:336 Orlando:407:328"),
    ("NY", 20.0, "New_York:212:100 Brooklyn:718:112 Buffalo:716:142"),
    ("PA", 13.0, "Philadelphia:215:191 Pittsburgh:412:152"),
    ("IL", 12.7, "Chicago:312:606"),
    ("OH", 11.8, "Columbus:614:432 Cleveland:216:441"),
    ("GA", 10.8, "Atlanta:404:303"),
    ("NC", 10.5, "Charlotte:704:282 Raleigh:919:276"),
    ("MI", 10.0, "Detroit:313:482 Ann_Arbor:734:481"),
    ("NJ", 9.3, "Newark:973:071 Jersey_City:201:073"),
    ("VA", 8.6, "Richmond:804:232 Arlington:703:222"),
    ("WA", 7.7, "Seattle:206:981 Bellevue:425:980"),
    ("AZ", 7.3, "Phoenix:602:850"),
    ("MA", 7.0, "Boston:617:021 Cambridge:617:021"),
    ("TN", 6.9, "Nashville:615:372"),
    ("CO", 5.8, "Denver:303:802 Boulder:303:803"),
    ("MN", 5.7, "Minneapolis:612:554"),
    ("OR", 4.2, "Portland:503:972"),
    ("UT", 3.3, "Salt_Lake_City:801:841"),
]

STATES: Weighted[Region] = Weighted(
    (Region(code, _cities(cities)), population) for code, population, cities in _STATES
)

__all__ = ["PREFECTURES", "STATES", "City", "Region"]
