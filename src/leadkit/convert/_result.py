"""The outcome of one conversion: the records written, or the errors that stopped it."""

from __future__ import annotations

import attrs

from leadkit.convert._matching import AccountMatch, ContactMatch
from leadkit.convert._request import ConversionRequest
from leadkit.errors import LeadkitError
from leadkit.model import Account, Contact, Lead, Opportunity

__all__ = ["ConversionResult"]


@attrs.frozen
class ConversionResult:
    """What converting one lead did, and why.

    On success: the converted lead and the account, contact and opportunity as stored,
    whether each was created (or an existing one used), ``account_match`` and
    ``contact_match`` (the existing record a ``"match"`` request found, and why), and
    ``notes`` saying what was decided. On failure (in bulk conversion): ``errors`` and
    nothing else; storage was not changed for this request.
    """

    request: ConversionRequest
    lead: Lead | None = attrs.field(default=None, kw_only=True)
    account: Account | None = attrs.field(default=None, kw_only=True)
    contact: Contact | None = attrs.field(default=None, kw_only=True)
    opportunity: Opportunity | None = attrs.field(default=None, kw_only=True)
    account_created: bool = attrs.field(default=False, kw_only=True)
    contact_created: bool = attrs.field(default=False, kw_only=True)
    opportunity_created: bool = attrs.field(default=False, kw_only=True)
    account_match: AccountMatch | None = attrs.field(default=None, kw_only=True)
    contact_match: ContactMatch | None = attrs.field(default=None, kw_only=True)
    notes: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    errors: tuple[LeadkitError, ...] = attrs.field(default=(), kw_only=True)

    @classmethod
    def failure(cls, request: ConversionRequest, *errors: LeadkitError) -> ConversionResult:
        """A result for a request that was not converted."""
        return cls(request, errors=errors)

    @property
    def success(self) -> bool:
        """True when the lead was converted."""
        return not self.errors

    @property
    def lead_id(self) -> str:
        """The id of the lead the request was about."""
        return self.request.lead_id

    @property
    def account_id(self) -> str | None:
        """The account the lead became part of."""
        return self.account.id if self.account else None

    @property
    def contact_id(self) -> str | None:
        """The contact the lead became."""
        return self.contact.id if self.contact else None

    @property
    def opportunity_id(self) -> str | None:
        """The opportunity created or linked, if any."""
        return self.opportunity.id if self.opportunity else None

    @property
    def error_codes(self) -> tuple[str, ...]:
        """The stable codes of ``errors``."""
        return tuple(error.code for error in self.errors)

    def explain(self) -> str:
        """The outcome in words, one line per decision or error."""
        if self.errors:
            lines = [f"lead {self.lead_id!r} was not converted:"]
            lines += [f"  - [{e.code}] {e}" for e in self.errors]
        else:
            lines = [f"lead {self.lead_id!r} converted:"]
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)
