"""Header maps: how a CRM's export names leadkit's lead columns, as data.

A :class:`HeaderMap` says which leadkit column each header of an export fills (or that
it is ignored), and how some values translate (HubSpot's lifecycle stages become leadkit
stages). Three ship with leadkit, :data:`SALESFORCE_LEAD_HEADERS` (the Salesforce lead
export and Data Import Wizard labels, English and Japanese locale),
:data:`HUBSPOT_CONTACT_HEADERS` (the HubSpot contact export) and
:data:`JAPANESE_CRM_HEADERS` (headers common to Japanese CRM exports);
:func:`detect_header_map` picks the one a header row is written in. Headers match
ignoring case, width (全角/半角) and repeated spaces.
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from leadkit.errors import ValidationError

__all__ = [
    "HEADER_MAPS",
    "HUBSPOT_CONTACT_HEADERS",
    "JAPANESE_CRM_HEADERS",
    "JAPANESE_LEAD_HEADERS",
    "SALESFORCE_LEAD_HEADERS",
    "HeaderMap",
    "detect_header_map",
    "header_key",
]


def header_key(header: str) -> str:
    """``header`` as maps compare it: NFKC, case-folded, single spaces, no BOM.

    >>> header_key("  Ｆirst   NAME "), header_key("State/Province")
    ('first name', 'state/province')
    """
    text = unicodedata.normalize("NFKC", header.lstrip("\ufeff")).casefold()
    return re.sub(r"\s+", " ", text).strip()


def _columns(value: Mapping[str, str | None]) -> Mapping[str, str | None]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping of header to column, got {type(value).__name__}",
            path="columns",
        )
    out: dict[str, str | None] = {}
    for header, column in value.items():
        if not isinstance(header, str) or not (column is None or isinstance(column, str)):
            raise ValidationError(
                f"expected header = column (text, or None to ignore), got {header!r}: {column!r}",
                path=("columns", str(header)),
            )
        out[header_key(header)] = column or None
    return types.MappingProxyType(out)


def _values(value: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return types.MappingProxyType(
        {
            column: types.MappingProxyType({header_key(k): v for k, v in table.items()})
            for column, table in value.items()
        }
    )


@attrs.frozen(kw_only=True)
class HeaderMap:
    """The headers of one export layout mapped onto leadkit's lead columns.

    ``columns`` maps a header (matched ignoring case and width) to a column of
    :func:`~leadkit.io.csv_columns` or a ``custom.<name>`` field, or to ``None`` to
    ignore it. ``values`` maps, per leadkit column, what the export writes to what
    leadkit reads (``{"status": {"New": "Open - Not Contacted"}}``). ``source`` says
    where the labels come from.

    >>> m = HeaderMap(name="mine", columns={"Surname": "family_name", "Notes": None})
    >>> m.column("SURNAME"), m.column("notes"), m.knows("Phone")
    ('family_name', None, False)
    """

    name: str
    columns: Mapping[str, str | None] = attrs.field(converter=_columns)
    values: Mapping[str, Mapping[str, str]] = attrs.field(
        factory=dict, converter=_values, repr=False
    )
    source: str = attrs.field(default="", repr=False)

    def knows(self, header: str) -> bool:
        """Whether ``header`` is one of this map's headers."""
        return header_key(header) in self.columns

    def column(self, header: str) -> str | None:
        """The leadkit column ``header`` fills (``None``: ignored); a ``KeyError`` when
        the map does not know the header."""
        return self.columns[header_key(header)]

    def value(self, column: str, cell: str) -> str:
        """``cell`` of ``column`` as leadkit reads it (unchanged unless the map says)."""
        table = self.values.get(column)
        if not table:
            return cell
        return table.get(header_key(cell), cell)

    def extended(self, columns: Mapping[str, str | None], *, name: str | None = None) -> HeaderMap:
        """This map with more (or overriding) headers."""
        merged: dict[str, str | None] = dict(self.columns)
        merged.update(_columns(columns))
        return attrs.evolve(self, name=name or self.name, columns=merged)


# The leadkit stages a HubSpot lifecycle stage stands for. HubSpot's "sales qualified
# lead" is a lead sales accepted for follow-up (leadkit's SAL); its "opportunity" has a
# deal, which is leadkit's SQL; customers and evangelists are won.
_HUBSPOT_LIFECYCLE = {
    "subscriber": "inquiry",
    "lead": "inquiry",
    "marketingqualifiedlead": "mql",
    "marketing qualified lead": "mql",
    "salesqualifiedlead": "sal",
    "sales qualified lead": "sal",
    "opportunity": "sql",
    "customer": "won",
    "evangelist": "won",
    "other": "",
}
# HubSpot's default lead status values onto leadkit's default status catalogue.
_HUBSPOT_LEAD_STATUS = {
    "new": "Open - Not Contacted",
    "open": "Open - Not Contacted",
    "in progress": "Working - Contacted",
    "in_progress": "Working - Contacted",
    "attempted to contact": "Working - Contacted",
    "attempted_to_contact": "Working - Contacted",
    "connected": "Working - Contacted",
    "open deal": "Working - Contacted",
    "open_deal": "Working - Contacted",
    "bad timing": "Nurturing",
    "bad_timing": "Nurturing",
    "unqualified": "Closed - Not Converted",
}

SALESFORCE_LEAD_HEADERS = HeaderMap(
    name="salesforce",
    source="Salesforce Help, 'Field Mapping for Importing Leads' (Data Import Wizard labels) "
    "and the Lead object's Japanese field labels",
    columns={
        # English labels: the lead export and the Data Import Wizard's import file labels.
        "Lead ID": "id",
        "First Name": "given_name",
        "Last Name": "family_name",
        "Company": "company",
        "Title": "title",
        "Email": "email",
        "Phone": "phone",
        "Mobile": "mobile",
        "Mobile Phone": "mobile",
        "Website": "website",
        "Industry": "industry",
        "No. of Employees": "employees",
        "Annual Revenue": "annual_revenue",
        "Currency ISO Code": "annual_revenue_currency",
        "Lead Currency": "annual_revenue_currency",
        "Street": "address_street",
        "City": "address_city",
        "State/Province": "address_state",
        "State": "address_state",
        "Zip/Postal Code": "address_postal_code",
        "Postal Code": "address_postal_code",
        "Country": "address_country",
        "Lead Source": "lead_source",
        "Lead Status": "status",
        "Lead Owner": "owner",
        "Record Owner": "owner",
        "Rating": "rating",
        "Email Opt Out": "email_opt_out",
        "Do Not Call": "do_not_call",
        "Description": "description",
        "Created Date": "created_at",
        "Salutation": None,
        "Fax": None,
        "Lead Division": None,
        # Japanese-locale labels of the same export.
        "リード ID": "id",
        "名": "given_name",
        "姓": "family_name",
        "会社名": "company",
        "役職": "title",
        "メール": "email",
        "電話": "phone",
        "携帯電話": "mobile",
        "Web サイト": "website",
        "業種": "industry",
        "従業員数": "employees",
        "年間売上": "annual_revenue",
        "リード通貨": "annual_revenue_currency",
        "町名・番地": "address_street",
        "市区郡": "address_city",
        "都道府県": "address_state",
        "郵便番号": "address_postal_code",
        "国": "address_country",
        "リードソース": "lead_source",
        "リード状況": "status",
        "状況": "status",
        "リード所有者": "owner",
        "所有者名": "owner",
        "評価": "rating",
        "メール送信拒否": "email_opt_out",
        "電話お断り": "do_not_call",
        "説明": "description",
        "作成日": "created_at",
        "敬称": None,
    },
)
"""The Salesforce lead export and Data Import Wizard labels, English and Japanese."""

HUBSPOT_CONTACT_HEADERS = HeaderMap(
    name="hubspot",
    source="HubSpot Knowledge Base, 'HubSpot's default contact properties' and 'How do "
    "I import contacts' (lifecycle stage values); the Japanese labels follow HubSpot's "
    "Japanese knowledge base, which is machine-translated: extend the map with --headers "
    "when your portal's labels differ",
    columns={
        "Record ID": "id",
        "Contact ID": "id",
        "First name": "given_name",
        "Last name": "family_name",
        "Email": "email",
        "Email address": "email",
        "Company name": "company",
        "Job title": "title",
        "Phone number": "phone",
        "Mobile phone number": "mobile",
        "Website URL": "website",
        "Industry": "industry",
        "Number of employees": "employees",
        "Annual revenue": "annual_revenue",
        "Street address": "address_street",
        "City": "address_city",
        "State/Region": "address_state",
        "Postal code": "address_postal_code",
        "Zip code": "address_postal_code",
        "Country/Region": "address_country",
        "Lifecycle stage": "custom.lifecycle_stage",
        "Lead status": "status",
        "Original source": "lead_source",
        "Original Traffic Source": "lead_source",
        "Contact owner": "owner",
        "Create date": "created_at",
        "Create Date": "created_at",
        "Marketing contact status": None,
        # Japanese-locale labels of the same properties.
        "レコードID": "id",
        "Eメール": "email",
        "電話番号": "phone",
        "携帯電話番号": "mobile",
        "ウェブサイトURL": "website",
        "年間売上高": "annual_revenue",
        "ライフサイクルステージ": "custom.lifecycle_stage",
        "リードステータス": "status",
        "コンタクト担当者": "owner",
        "作成日": "created_at",
        "国/地域": "address_country",
        "都道府県/地域": "address_state",
        "市区町村": "address_city",
        "名": "given_name",
        "姓": "family_name",
        "会社名": "company",
        "役職": "title",
        "従業員数": "employees",
        "業種": "industry",
        "郵便番号": "address_postal_code",
    },
    values={"custom.lifecycle_stage": _HUBSPOT_LIFECYCLE, "status": _HUBSPOT_LEAD_STATUS},
)
"""The HubSpot contact export; lifecycle stages become leadkit stages in
``custom.lifecycle_stage`` (subscriber and lead → inquiry, marketing qualified → mql,
sales qualified → sal, opportunity → sql, customer and evangelist → won), HubSpot's
lead statuses leadkit's default statuses."""

JAPANESE_LEAD_HEADERS: Mapping[str, str] = types.MappingProxyType(
    {
        "姓": "family_name",
        "名": "given_name",
        "姓（カナ）": "family_kana",
        "名（カナ）": "given_kana",
        "セイ": "family_kana",
        "メイ": "given_kana",
        "会社名": "company",
        "役職": "title",
        "部署": "department",
        "メール": "email",
        "メールアドレス": "email",
        "電話": "phone",
        "電話番号": "phone",
        "携帯電話": "mobile",
        "ウェブサイト": "website",
        "業種": "industry",
        "従業員数": "employees",
        "年間売上": "annual_revenue",
        "通貨": "annual_revenue_currency",
        "国": "address_country",
        "都道府県": "address_state",
        "市区郡": "address_city",
        "町名・番地": "address_street",
        "郵便番号": "address_postal_code",
        "リードソース": "lead_source",
        "状況": "status",
        "所有者": "owner",
        "評価": "rating",
        "メール送信拒否": "email_opt_out",
        "電話お断り": "do_not_call",
        "説明": "description",
        "作成日時": "created_at",
    }
)
"""Common Japanese CRM export headers mapped onto the documented lead columns.

Pass it (or a copy extended with your own) as ``header_map`` to
:func:`~leadkit.io.read_leads_csv`; :data:`JAPANESE_CRM_HEADERS` is the same as a
:class:`HeaderMap`.
"""

JAPANESE_CRM_HEADERS = HeaderMap(
    name="japanese",
    source="headers common to Japanese CRM exports (leadkit's JAPANESE_LEAD_HEADERS)",
    columns={
        **JAPANESE_LEAD_HEADERS,
        "部署名": "department",
        "市区町村": "address_city",
        "番地": "address_street",
        "作成日": "created_at",
        "リードID": "id",
    },
)
"""Headers common to Japanese CRM exports (会社名, 姓, 名, メールアドレス ...)."""

HEADER_MAPS: Mapping[str, HeaderMap] = types.MappingProxyType(
    {m.name: m for m in (SALESFORCE_LEAD_HEADERS, HUBSPOT_CONTACT_HEADERS, JAPANESE_CRM_HEADERS)}
)
"""The shipped header maps by name: ``salesforce``, ``hubspot``, ``japanese``."""


def detect_header_map(
    header: Sequence[str], *, maps: Sequence[HeaderMap] | None = None
) -> HeaderMap | None:
    """The map a header row is written in: the one knowing most of its headers (at least
    two, and more than leadkit's own columns among them); ``None`` for leadkit's own
    layout or an unknown one. On a tie the earlier map wins (Salesforce, HubSpot,
    Japanese).

    >>> detect_header_map(["Record ID", "First name", "Last name", "Lifecycle stage"]).name
    'hubspot'
    >>> detect_header_map(["Lead ID", "Last Name", "Company", "Lead Status"]).name
    'salesforce'
    >>> detect_header_map(["id", "family_name", "company"]) is None
    True
    """
    from leadkit.io._csv import csv_columns
    from leadkit.model import Lead

    own = set(csv_columns(Lead))
    native = sum(1 for h in header if h.lstrip("\ufeff").strip() in own or h.startswith("custom."))
    best: HeaderMap | None = None
    best_count = 0
    for candidate in maps if maps is not None else tuple(HEADER_MAPS.values()):
        count = sum(1 for h in header if candidate.knows(h))
        if count > best_count:
            best, best_count = candidate, count
    if best_count < 2 or best_count <= native:
        return None
    return best


def as_header_map(value: Any, *, name: str = "custom") -> HeaderMap | None:
    """A :class:`HeaderMap` from a map, a plain mapping or ``None``."""
    if value is None or isinstance(value, HeaderMap):
        return value
    return HeaderMap(name=name, columns=value)
