"""Roll-ups over the account hierarchy: counts, pipeline and engagement per account, and
the same summed over every branch under it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

import attrs

from leadkit._checks import aware_datetime
from leadkit.accounts._hierarchy import AccountHierarchy
from leadkit.errors import ValidationError
from leadkit.model import Account, Contact, EngagementEvent, Lead, Opportunity

__all__ = ["AccountTotals", "account_totals", "roll_up"]

Amounts = tuple[tuple[str, Decimal], ...]
"""Amounts by currency, sorted by currency code."""


def _add_amounts(a: Amounts, b: Amounts) -> Amounts:
    if not b:
        return a
    if not a:
        return b
    total = dict(a)
    for currency, amount in b:
        total[currency] = total.get(currency, Decimal(0)) + amount
    return tuple(sorted(total.items()))


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@attrs.frozen(slots=True)
class AccountTotals:
    """What an account (or an account and its branches) has: open leads linked to it,
    contacts, open and won opportunities, the open pipeline and its probability-weighted
    forecast (by currency), and engagement events of its leads and contacts.

    Totals add up (``a + b``), which is how :func:`roll_up` sums a hierarchy.
    """

    open_leads: int = 0
    contacts: int = 0
    open_opportunities: int = 0
    won_opportunities: int = 0
    pipeline: Amounts = ()
    weighted_pipeline: Amounts = ()
    won_amount: Amounts = ()
    engagement_events: int = 0
    last_engaged_at: datetime | None = None

    def __add__(self, other: AccountTotals) -> AccountTotals:
        if not isinstance(other, AccountTotals):
            return NotImplemented
        return AccountTotals(
            open_leads=self.open_leads + other.open_leads,
            contacts=self.contacts + other.contacts,
            open_opportunities=self.open_opportunities + other.open_opportunities,
            won_opportunities=self.won_opportunities + other.won_opportunities,
            pipeline=_add_amounts(self.pipeline, other.pipeline),
            weighted_pipeline=_add_amounts(self.weighted_pipeline, other.weighted_pipeline),
            won_amount=_add_amounts(self.won_amount, other.won_amount),
            engagement_events=self.engagement_events + other.engagement_events,
            last_engaged_at=_later(self.last_engaged_at, other.last_engaged_at),
        )


_EMPTY = AccountTotals()


def _amount(amounts: Amounts, currency: str, value: Decimal) -> Amounts:
    return _add_amounts(amounts, ((currency, value),))


def account_totals(
    accounts: Iterable[Account],
    *,
    leads: Iterable[Lead] = (),
    contacts: Iterable[Contact] = (),
    opportunities: Iterable[Opportunity] = (),
    engagement_events: Iterable[EngagementEvent] = (),
    as_of: datetime,
    since: datetime | None = None,
) -> dict[str, AccountTotals]:
    """Each account's own totals (its branches not included; see :func:`roll_up`).

    A lead counts for the account it is linked to (``Lead.account_id``) while open (not
    converted, merged or in a closed status); a contact and an opportunity for their
    ``account_id``. Engagement events count when they happened by ``as_of`` (and after
    ``since``, if given), for the account of their open lead or of their contact.
    Records of accounts not given are left out; merged accounts and contacts too.
    """
    from leadkit.routing import is_open_lead

    as_of = aware_datetime(as_of, path="as_of")
    if since is not None:
        since = aware_datetime(since, path="since")
    own: dict[str, AccountTotals] = {}
    for index, account in enumerate(accounts):
        if not isinstance(account, Account):
            raise ValidationError(
                f"expected an Account, got {type(account).__name__}", path=("accounts", index)
            )
        if account.master_record_id is None:
            own[account.id] = _EMPTY

    def add(account_id: str | None, **values: object) -> None:
        if account_id is None or account_id not in own:
            return
        own[account_id] = attrs.evolve(own[account_id], **values)  # type: ignore[arg-type]

    lead_account: dict[str, str] = {}
    for lead in leads:
        if lead.account_id is not None and lead.account_id in own and is_open_lead(lead):
            lead_account[lead.id] = lead.account_id
            add(lead.account_id, open_leads=own[lead.account_id].open_leads + 1)
    contact_account: dict[str, str] = {}
    for contact in contacts:
        if contact.master_record_id is None and contact.account_id in own:
            contact_account[contact.id] = contact.account_id
            add(contact.account_id, contacts=own[contact.account_id].contacts + 1)
    for deal in opportunities:
        current = own.get(deal.account_id)
        if current is None or deal.created_at > as_of:
            continue
        if deal.is_won:
            won = current.won_amount
            if deal.amount is not None:
                won = _amount(won, deal.amount.currency, deal.amount.amount)
            add(deal.account_id, won_opportunities=current.won_opportunities + 1, won_amount=won)
        elif not deal.is_closed:
            pipeline, weighted = current.pipeline, current.weighted_pipeline
            if deal.amount is not None:
                money = deal.amount
                pipeline = _amount(pipeline, money.currency, money.amount)
                share = money.amount * deal.forecast_probability / 100
                weighted = _amount(weighted, money.currency, share)
            add(
                deal.account_id,
                open_opportunities=current.open_opportunities + 1,
                pipeline=pipeline,
                weighted_pipeline=weighted,
            )
    for event in engagement_events:
        if event.occurred_at > as_of or (since is not None and event.occurred_at <= since):
            continue
        if event.lead_id is not None:
            account_id = lead_account.get(event.lead_id)
        else:
            account_id = contact_account.get(event.contact_id or "")
        if account_id is None:
            continue
        current = own[account_id]
        add(
            account_id,
            engagement_events=current.engagement_events + 1,
            last_engaged_at=_later(current.last_engaged_at, event.occurred_at),
        )
    return own


def roll_up(
    hierarchy: AccountHierarchy, totals: Mapping[str, AccountTotals]
) -> dict[str, AccountTotals]:
    """Each account's totals summed with those of every account under it (its
    branches, their offices ...): ``roll_up(h, t)[a] == t[a] + sum(t[d] for d in
    h.descendants(a))``. Accounts of the hierarchy missing from ``totals`` count as
    empty; accounts of ``totals`` not in the hierarchy are a ValidationError.

    >>> tree = AccountHierarchy({"hq": None, "osaka": "hq", "kobe": "hq"})
    >>> summed = roll_up(tree, {"hq": AccountTotals(open_leads=1),
    ...                         "osaka": AccountTotals(open_leads=2, contacts=1)})
    >>> summed["hq"].open_leads, summed["hq"].contacts, summed["kobe"].open_leads
    (3, 1, 0)
    """
    if not isinstance(hierarchy, AccountHierarchy):
        raise ValidationError(
            f"expected an AccountHierarchy, got {type(hierarchy).__name__}", path="hierarchy"
        )
    for account_id, value in totals.items():
        if account_id not in hierarchy:
            raise ValidationError(
                f"account {account_id!r} is not in the hierarchy", path=("totals", account_id)
            )
        if not isinstance(value, AccountTotals):
            raise ValidationError(
                f"expected AccountTotals, got {type(value).__name__}", path=("totals", account_id)
            )
    summed: dict[str, AccountTotals] = {}
    # Deepest first, so that every child is summed before its parent.
    for account_id in sorted(hierarchy, key=hierarchy.depth, reverse=True):
        total = totals.get(account_id, _EMPTY)
        for child in hierarchy.children(account_id):
            total = total + summed[child]
        summed[account_id] = total
    return {account_id: summed[account_id] for account_id in hierarchy}
