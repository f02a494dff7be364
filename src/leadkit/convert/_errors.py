"""Why a conversion was refused. Every error has a stable ``code`` to branch on.

A record that does not exist is a :class:`~leadkit.errors.NotFoundError` (``not_found``)
and a write based on a stale version a :class:`~leadkit.errors.ConcurrencyError`
(``concurrent_modification``), as everywhere in leadkit; the rest are here.
"""

from __future__ import annotations

from leadkit.errors import AccountRequiredError as AccountRequiredError
from leadkit.errors import AlreadyConvertedError as AlreadyConvertedError
from leadkit.errors import ConflictingOpportunityOptionsError as ConflictingOpportunityOptionsError
from leadkit.errors import ContactNotInAccountError as ContactNotInAccountError
from leadkit.errors import ConversionError as ConversionError
from leadkit.errors import ConversionRolledBackError as ConversionRolledBackError
from leadkit.errors import InvalidConvertedStatusError as InvalidConvertedStatusError
from leadkit.errors import MergedRecordError as MergedRecordError
from leadkit.errors import OpportunityNotInAccountError as OpportunityNotInAccountError
from leadkit.errors import OwnerRequiredError as OwnerRequiredError

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
