"""Accounts rolled up over their hierarchy: each head office with its branches (支店,
営業所), their open leads, contacts, pipeline and engagement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from leadkit.accounts import AccountHierarchy, AccountTotals, account_totals, roll_up
from leadkit.model import Account, Contact, EngagementEvent, Lead, Money, Opportunity
from leadkit.reports._report import ReportMixin
from leadkit.reports._table import Table

__all__ = ["AccountRollupReport", "AccountRollupRow", "account_rollup"]


def _money(amounts: tuple[tuple[str, Decimal], ...]) -> tuple[Money, ...]:
    made = []
    for currency, amount in amounts:
        places = Money(0, currency).minor_units
        made.append(Money(amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), currency))
    return tuple(made)


@attrs.frozen(slots=True)
class AccountRollupRow:
    """One account: where it sits (``level`` 0 for a head office), its own totals and
    ``rolled_up``, its own plus every account's under it."""

    account_id: str
    name: str
    level: int
    parent_id: str | None
    own: AccountTotals
    rolled_up: AccountTotals


@attrs.frozen(slots=True, repr=False)
class AccountRollupReport(ReportMixin):
    """Accounts in hierarchy order (each head office, then its branches depth first),
    with totals rolled up to every level."""

    rows: tuple[AccountRollupRow, ...]

    def row(self, account_id: str) -> AccountRollupRow:
        """The row of ``account_id`` (KeyError when absent)."""
        for row in self.rows:
            if row.account_id == account_id:
                return row
        raise KeyError(account_id)

    def table(self) -> Table:
        """The rolled-up totals as a table; names indented by level."""
        return Table(
            (
                "account",
                "leads",
                "contacts",
                "open_deals",
                "pipeline",
                "weighted_pipeline",
                "won_amount",
                "engagement",
                "last_engaged",
            ),
            [
                (
                    "  " * r.level + r.name,
                    r.rolled_up.open_leads,
                    r.rolled_up.contacts,
                    r.rolled_up.open_opportunities,
                    _money(r.rolled_up.pipeline),
                    _money(r.rolled_up.weighted_pipeline),
                    _money(r.rolled_up.won_amount),
                    r.rolled_up.engagement_events,
                    r.rolled_up.last_engaged_at,
                )
                for r in self.rows
            ],
            title="Accounts with their branches",
        )


def account_rollup(
    accounts: Iterable[Account],
    *,
    leads: Iterable[Lead] = (),
    contacts: Iterable[Contact] = (),
    opportunities: Iterable[Opportunity] = (),
    engagement_events: Iterable[EngagementEvent] = (),
    as_of: datetime,
    since: datetime | None = None,
) -> AccountRollupReport:
    """Roll engagement (and open leads, contacts, pipeline, won deals) up the account
    hierarchy: each account's own totals (:func:`~leadkit.accounts.account_totals`:
    open leads linked to it by ``Lead.account_id``, its contacts, their engagement events
    by ``as_of`` and after ``since``) and the same summed over its branches
    (:func:`~leadkit.accounts.roll_up`). Merged accounts are left out; a cycle or a
    dangling parent is a ValidationError naming the account.

    >>> from datetime import datetime, UTC
    >>> from leadkit.model import Account, EngagementEvent, Lead, PersonName
    >>> t = datetime(2026, 4, 1, tzinfo=UTC)
    >>> accounts = [Account(id="hq", name="株式会社ABC", created_at=t),
    ...             Account(id="osaka", name="大阪支店", parent_id="hq", created_at=t)]
    >>> leads = [Lead(id="l-1", name=PersonName("佐藤"), company="ABC 大阪支店",
    ...               account_id="osaka", created_at=t)]
    >>> events = [EngagementEvent(kind="webinar", lead_id="l-1", occurred_at=t)]
    >>> report = account_rollup(accounts, leads=leads, engagement_events=events, as_of=t)
    >>> [(r.account_id, r.own.engagement_events, r.rolled_up.engagement_events)
    ...  for r in report.rows]
    [('hq', 0, 1), ('osaka', 1, 1)]
    """
    live = [a for a in accounts if isinstance(a, Account) and a.master_record_id is None]
    by_id = {a.id: a for a in live}
    hierarchy = AccountHierarchy(live)
    own = account_totals(
        live,
        leads=leads,
        contacts=contacts,
        opportunities=opportunities,
        engagement_events=engagement_events,
        as_of=as_of,
        since=since,
    )
    summed = roll_up(hierarchy, own)
    rows = []
    for root in sorted(hierarchy.roots(), key=lambda a: (by_id[a].name, a)):
        for account_id in (root, *hierarchy.descendants(root)):
            account = by_id[account_id]
            rows.append(
                AccountRollupRow(
                    account_id,
                    account.name,
                    hierarchy.depth(account_id),
                    account.parent_id,
                    own[account_id],
                    summed[account_id],
                )
            )
    return AccountRollupReport(tuple(rows))
