"""Lead conversion (取引開始): a qualified lead becomes an account, a contact and,
optionally, an opportunity — atomically, against any storage.

:func:`convert_lead` follows the semantics users know from the leading CRMs (existing
account and contact, opportunity options, owner, only empty fields filled, campaign
memberships and activities follow the person, the lead stays read-only) and talks to
storage only through :mod:`leadkit.repository`'s protocols. :func:`convert_leads` does
many, each on its own or all-or-none.
"""

from typing import TYPE_CHECKING

from leadkit.convert._bulk import convert_leads
from leadkit.convert._convert import convert_lead
from leadkit.convert._errors import (
    AccountRequiredError,
    AlreadyConvertedError,
    ConflictingOpportunityOptionsError,
    ContactNotInAccountError,
    ConversionError,
    ConversionRolledBackError,
    InvalidConvertedStatusError,
    MergedRecordError,
    OpportunityNotInAccountError,
    OwnerRequiredError,
)
from leadkit.convert._fiscal import fiscal_quarter_end
from leadkit.convert._matching import AccountMatch, AccountMatcher, ContactMatch, match_account
from leadkit.convert._request import (
    AS_CHOSEN,
    BRANCH,
    HEAD_OFFICE,
    MATCH,
    NEW,
    ConversionRequest,
    ConversionSettings,
    ConversionTarget,
    FieldMapping,
)
from leadkit.convert._result import ConversionResult

__all__ = [
    "AS_CHOSEN",
    "BRANCH",
    "HEAD_OFFICE",
    "MATCH",
    "NEW",
    "AccountMatch",
    "AccountMatcher",
    "AccountRequiredError",
    "AlreadyConvertedError",
    "ConflictingOpportunityOptionsError",
    "ContactMatch",
    "ContactNotInAccountError",
    "ConversionError",
    "ConversionRequest",
    "ConversionResult",
    "ConversionRolledBackError",
    "ConversionSettings",
    "ConversionTarget",
    "FieldMapping",
    "InvalidConvertedStatusError",
    "MergedRecordError",
    "OpportunityNotInAccountError",
    "OwnerRequiredError",
    "convert_lead",
    "convert_leads",
    "fiscal_quarter_end",
    "match_account",
]


# Deprecated names (issue 11: one name per concept across namespaces).
_RENAMED = {"Target": "ConversionTarget"}

if TYPE_CHECKING:
    Target = ConversionTarget
else:
    from leadkit._deprecation import module_getattr

    __getattr__ = module_getattr(__name__, _RENAMED)
