"""Finding an existing account or contact for a lead when the request asks to match."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from leadkit.model import Account, Contact, Lead, company_key, is_free_mail
from leadkit.repository import UnitOfWork, website_domain

__all__ = ["AccountMatch", "AccountMatcher", "ContactMatch", "match_account", "match_contact"]


@attrs.frozen
class AccountMatch:
    """The existing account a matcher chose for a lead, and why."""

    account: Account
    reason: str


@attrs.frozen
class ContactMatch:
    """The existing contact of the account reused for a lead, and why."""

    contact: Contact
    reason: str


AccountMatcher = Callable[[Lead, UnitOfWork], AccountMatch | Account | None]
"""Takes the lead and the open unit of work; returns the account to merge into (an
:class:`AccountMatch` to say why), or None to create a new one. It must only read. Used
only when the request asks for ``account="match"``."""


def _oldest(accounts: Iterable[Account]) -> Account:
    return min(accounts, key=lambda a: (a.created_at, a.id))


def match_account(lead: Lead, uow: UnitOfWork) -> AccountMatch | None:
    """The default matcher: the foundation's company key, then the email domain.

    1. Accounts whose name has the lead's :func:`~leadkit.model.company_key` (株式会社ABC,
       ABC(株) and ABC Co., Ltd. are one company) are candidates, unless their website is
       on another domain than the lead's company email (free-mail addresses say nothing
       about the company). Candidates on the same domain win; among equals the oldest
       account wins.
    2. Otherwise, if exactly one account's website is on the lead's company email domain,
       that one.
    3. Otherwise none: a new account is created.

    Accounts merged into another (``master_record_id`` set) never match.
    """
    domain = lead.email_domain
    if domain is not None and is_free_mail(domain):
        domain = None
    key = company_key(lead.company)
    named = (
        [a for a in uow.accounts.by_company_key(key) if a.master_record_id is None] if key else []
    )

    def site(account: Account) -> str | None:
        return website_domain(account.website) if account.website else None

    if domain is not None:
        same_site = [a for a in named if site(a) == domain]
        if same_site:
            return AccountMatch(
                _oldest(same_site),
                f"same company name as {lead.company!r} and website on {domain}",
            )
        named = [a for a in named if site(a) is None]
    if named:
        return AccountMatch(_oldest(named), f"same company name as {lead.company!r}")
    if domain is not None:
        on_domain = [a for a in uow.accounts.by_domain(domain) if a.master_record_id is None]
        if len(on_domain) == 1:
            return AccountMatch(
                on_domain[0],
                f"the only account with a website on {domain}, the lead's email domain",
            )
    return None


def match_contact(lead: Lead, account_id: str, uow: UnitOfWork) -> ContactMatch | None:
    """The oldest contact of ``account_id`` with the lead's normalised email (not merged
    into another), or None."""
    if not lead.email:
        return None
    candidates = [
        c
        for c in uow.contacts.by_email_key(lead.email)
        if c.account_id == account_id and c.master_record_id is None
    ]
    if not candidates:
        return None
    contact = min(candidates, key=lambda c: (c.created_at, c.id))
    return ContactMatch(contact, f"same email as the lead ({lead.email}) in the account")
