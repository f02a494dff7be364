"""Accounts as a customer base: the hierarchy of head offices and branches (支店,
営業所), roll-ups over it, and lead-to-account matching for open leads.

- :class:`AccountHierarchy`: ``ancestors``, ``descendants``, ``root``; built and changed
  only without cycles or dangling parents (errors name ``accounts[<id>].parent_id``);
  :func:`set_parent` changes a stored account's parent with the same checks.
- :func:`match_accounts` and :func:`link_accounts`: a lead from an existing customer is
  linked to its account (``Lead.account_id``) before conversion, each link explained;
  routing's :class:`~leadkit.routing.AccountOwner` sends it to the account's owner.
- :func:`account_totals` and :func:`roll_up`: counts, pipeline and engagement per account
  and summed over each account's branches (:func:`leadkit.reports.account_rollup`).
"""

from leadkit.accounts._hierarchy import AccountHierarchy, set_parent
from leadkit.accounts._link import AccountLink, link_accounts, match_accounts, match_lead_account
from leadkit.accounts._rollup import AccountTotals, account_totals, roll_up

__all__ = [
    "AccountHierarchy",
    "AccountLink",
    "AccountTotals",
    "account_totals",
    "link_accounts",
    "match_accounts",
    "match_lead_account",
    "roll_up",
    "set_parent",
]
