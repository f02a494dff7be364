"""Why a conversion was refused. Every error has a stable ``code`` to branch on.

A record that does not exist is a :class:`~leadkit.errors.NotFoundError` (``not_found``)
and a write based on a stale version a :class:`~leadkit.errors.ConcurrencyError`
(``concurrent_modification``), as everywhere in leadkit; the rest are here.
"""

from __future__ import annotations

from leadkit.errors import LeadkitError, ValidationError

__all__ = [
    "AccountRequiredError",
    "AlreadyConvertedError",
    "ConflictingOpportunityOptionsError",
    "ContactNotInAccountError",
    "ConversionError",
    "ConversionRolledBackError",
    "InvalidConvertedStatusError",
    "MergedRecordError",
    "OpportunityNotInAccountError",
    "OwnerRequiredError",
]


class ConversionError(LeadkitError):
    """Base class of the reasons a lead conversion is refused."""

    code = "conversion_error"


class AlreadyConvertedError(ConversionError):
    """The lead was converted before; a converted lead is read-only."""

    code = "already_converted"


class InvalidConvertedStatusError(ConversionError, ValidationError):
    """The converted status is not in the catalogue, or does not count as converted."""

    code = "invalid_converted_status"


class ContactNotInAccountError(ConversionError):
    """The existing contact named in the request belongs to another account."""

    code = "contact_not_in_account"


class OpportunityNotInAccountError(ConversionError):
    """The existing opportunity named in the request belongs to another account."""

    code = "opportunity_not_in_account"


class ConflictingOpportunityOptionsError(ConversionError, ValidationError):
    """ "No opportunity" together with a name or an id, or a name together with an id."""

    code = "conflicting_opportunity_options"


class AccountRequiredError(ConversionError, ValidationError):
    """An existing contact or opportunity was named without the account it belongs to."""

    code = "account_required"


class OwnerRequiredError(ConversionError):
    """A queue owns the lead, and records made by conversion need a user as owner."""

    code = "owner_required"


class MergedRecordError(ConversionError):
    """The lead, account or contact was merged into another record (its master)."""

    code = "merged_record"


class ConversionRolledBackError(ConversionError):
    """In an all-or-none bulk conversion, this request was not written because another
    one failed."""

    code = "rolled_back"
