"""Finding an existing account for a lead when the request names none."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from leadkit.model import Account, Lead, company_key, is_free_mail
from leadkit.repository import UnitOfWork, website_domain

__all__ = ["AccountMatcher", "match_account"]

AccountMatcher = Callable[[Lead, UnitOfWork], Account | None]
"""Takes the lead and the open unit of work; returns the account to merge into, or None
to create a new one. It must only read."""


def _oldest(accounts: Iterable[Account]) -> Account:
    return min(accounts, key=lambda a: (a.created_at, a.id))


def match_account(lead: Lead, uow: UnitOfWork) -> Account | None:
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
            return _oldest(same_site)
        named = [a for a in named if site(a) is None]
    if named:
        return _oldest(named)
    if domain is not None:
        on_domain = [a for a in uow.accounts.by_domain(domain) if a.master_record_id is None]
        if len(on_domain) == 1:
            return on_domain[0]
    return None
