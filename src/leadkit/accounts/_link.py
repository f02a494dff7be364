"""Lead-to-account matching for open leads: a lead from an existing customer is linked to
the account (and so to its owner) before it is converted, with the reason of each link."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from leadkit.convert._matching import AccountMatch, match_account
from leadkit.dedupe._japanese import strip_branch
from leadkit.errors import ValidationError
from leadkit.model import Account, Lead, OwnerRef, company_key, is_free_mail, normalise_text
from leadkit.repository import UnitOfWork, website_domain

__all__ = ["AccountLink", "link_accounts", "match_accounts", "match_lead_account"]


LeadAccountMatcher = Callable[[Lead, UnitOfWork], AccountMatch | None]


@attrs.frozen(slots=True)
class AccountLink:
    """What matching found for one lead: the account (None when none matched), its
    owner, why, and whether storing it changes the lead (``Lead.account_id``)."""

    lead_id: str
    account_id: str | None
    account_name: str | None
    owner: OwnerRef | None
    reason: str
    changed: bool

    def __str__(self) -> str:
        if self.account_id is None:
            return f"{self.lead_id}: no account ({self.reason})"
        owner = f", owner {self.owner}" if self.owner is not None else ""
        return f"{self.lead_id} -> {self.account_id} {self.account_name}{owner}: {self.reason}"


def _live(accounts: Iterable[Account]) -> list[Account]:
    return [a for a in accounts if a.master_record_id is None]


def _oldest(accounts: Iterable[Account]) -> Account:
    return min(accounts, key=lambda a: (a.created_at, a.id))


def _root(account: Account, uow: UnitOfWork) -> Account:
    seen = {account.id}
    while account.parent_id is not None:
        parent = uow.accounts.find(account.parent_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        account = parent
    return account


def match_lead_account(lead: Lead, uow: UnitOfWork) -> AccountMatch | None:
    """The account of an open lead, knowing the hierarchy (it only reads ``uow``):

    1. conversion's matcher (:func:`~leadkit.convert.match_account`): the company key
       (a branch in the name is compared: 株式会社ABC 大阪支店 finds the 大阪支店
       account), website on the lead's company email domain;
    2. the company without its branch or department (株式会社ABC 大阪支店 → 株式会社ABC)
       when no account has the branch's name: its head office, preferring accounts
       without a parent;
    3. the lead's company email domain, when the accounts with a website on it all
       belong to one hierarchy: its head office.

    Accounts merged into another never match. None when nothing matched.
    """
    found = match_account(lead, uow)
    if found is not None:
        return found
    domain = lead.email_domain
    if domain is not None and is_free_mail(domain):
        domain = None
    company, branch = strip_branch(normalise_text(lead.company))
    if branch is not None:
        key = company_key(company)
        named = _live(uow.accounts.by_company_key(key)) if key else []
        if domain is not None:
            named = [a for a in named if a.website is None or website_domain(a.website) == domain]
        if named:
            heads = [a for a in named if a.parent_id is None] or named
            account = _oldest(heads)
            return AccountMatch(
                account,
                f"the company without its branch ({branch}) is {account.name!r}: "
                "no account has the branch's name",
            )
    if domain is not None:
        on_domain = _live(uow.accounts.by_domain(domain))
        roots = {_root(a, uow).id: _root(a, uow) for a in on_domain}
        if len(on_domain) > 1 and len(roots) == 1:
            (head,) = roots.values()
            return AccountMatch(
                head,
                f"the {len(on_domain)} accounts with a website on {domain}, the lead's "
                f"email domain, are one hierarchy: its head office",
            )
    return None


def match_accounts(
    uow: UnitOfWork,
    leads: Iterable[Lead] | None = None,
    *,
    matcher: LeadAccountMatcher | None = None,
) -> tuple[AccountLink, ...]:
    """Match open leads to existing accounts (only reads; store the links with
    :func:`link_accounts`). ``leads`` defaults to every lead of ``uow``; converted and
    merged leads are left out (conversion already chose their account). ``matcher``
    defaults to :func:`match_lead_account`. One :class:`AccountLink` per lead, in order.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Account, Lead, OwnerRef, PersonName
    >>> from leadkit.repository import InMemoryUnitOfWork
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     _ = uow.accounts.add(Account(id="hq", name="株式会社ABC", website="abc.co.jp",
    ...                                  owner=OwnerRef.user("u-7"), created_at=t))
    ...     _ = uow.leads.add(Lead(id="l-1", name=PersonName("佐藤"), company="ABC(株)",
    ...                            email="sato@abc.co.jp", created_at=t))
    ...     links = match_accounts(uow)
    ...     _ = link_accounts(uow, links)
    ...     stored = uow.leads.get("l-1").account_id
    ...     uow.commit()
    >>> print(links[0])
    l-1 -> hq 株式会社ABC, owner user:u-7: same company name as 'ABC(株)' and website on abc.co.jp
    >>> stored
    'hq'
    """
    choose = match_lead_account if matcher is None else matcher
    if not callable(choose):
        raise ValidationError(f"matcher must be callable, got {matcher!r}", path="matcher")
    links = []
    for index, lead in enumerate(uow.leads.all() if leads is None else leads):
        if not isinstance(lead, Lead):
            raise ValidationError(
                f"expected a Lead, got {type(lead).__name__}", path=("leads", index)
            )
        if lead.is_converted or lead.is_merged:
            continue
        found = choose(lead, uow)
        if found is None:
            links.append(
                AccountLink(
                    lead.id, None, None, None, "no account matched", lead.account_id is not None
                )
            )
            continue
        account = found.account
        links.append(
            AccountLink(
                lead.id,
                account.id,
                account.name,
                account.owner,
                found.reason,
                lead.account_id != account.id,
            )
        )
    return tuple(links)


def link_accounts(
    uow: UnitOfWork, links: Iterable[AccountLink], *, unlink: bool = False
) -> list[Lead]:
    """Store each changed link on its lead (``Lead.account_id``) in ``uow`` (open;
    commit it yourself); the updated leads. A link to no account clears an earlier link
    only with ``unlink=True`` (by default a link set by hand is kept)."""
    updated = []
    for index, link in enumerate(links):
        if not isinstance(link, AccountLink):
            raise ValidationError(
                f"expected an AccountLink, got {type(link).__name__}", path=("links", index)
            )
        if not link.changed or (link.account_id is None and not unlink):
            continue
        lead = uow.leads.get(link.lead_id)
        if lead.is_converted or lead.is_merged or lead.account_id == link.account_id:
            continue
        updated.append(uow.leads.update(attrs.evolve(lead, account_id=link.account_id)))
    return updated
