"""The standard matching rules for leads, contacts and accounts.

They follow the leading CRMs' standard rules, with keys that make them exact where the
CRMs are fuzzy about width, case and legal forms:

* a person (lead or contact) is a duplicate when the e-mail is the same; or the family
  name is the same, the given names agree and the company is the same; or the family
  name is the same, the given names agree and the phone number is the same. Given names
  agree when one is the other's initial (``J.`` and ``John``), when they are close
  (Jaro-Winkler 0.9, or the same reading), or when both are missing. Agreeing given names
  are needed with the phone too: colleagues share the switchboard number;
* an account is a duplicate when the company key is the same and so is the domain (the
  website's host), or neither has one.

Their blocking keys are *complete*: every pair the rule would match shares a block, so
:func:`find_duplicates` finds exactly what comparing all pairs would (blocks larger
than ``max_block_size`` aside, which it reports).
"""

from __future__ import annotations

import attrs

from leadkit.dedupe._blocking import Block
from leadkit.dedupe._comparators import (
    CompanyMatch,
    DomainMatch,
    EmailMatch,
    ExactMatch,
    PhoneMatch,
)
from leadkit.dedupe._names import NameMatch
from leadkit.dedupe._rule import MatchingRule

__all__ = ["ACCOUNT_RULE", "CONTACT_RULE", "LEAD_RULE", "LEAD_VS_CONTACT_RULE"]

_PERSON_LOGIC = "1 OR (2 AND 3 AND 4) OR (2 AND 3 AND 5)"


def _person_rule(name: str, company: str, description: str) -> MatchingRule:
    return MatchingRule(
        name,
        [
            EmailMatch(),
            NameMatch(part="family", threshold=1.0),
            NameMatch(part="given", match_blank=True),
            CompanyMatch(company) if company == "company" else ExactMatch(company),
            PhoneMatch(),
        ],
        logic=_PERSON_LOGIC,
        blocking=[
            Block("email"),
            Block("family", company),
            Block("family_kana", company),
            Block("family", "phone"),
            Block("family_kana", "phone"),
        ],
        description=description,
    )


LEAD_RULE = _person_rule(
    "Standard lead",
    "company",
    "Same e-mail; or same family name, agreeing given names and the same company; or same"
    " family name, agreeing given names and the same phone.",
)
"""Leads: 1 e-mail; 2 family name (or its reading); 3 given name (initials, Jaro-Winkler
0.9, readings; two missing agree); 4 company key; 5 phone.
Logic ``1 OR (2 AND 3 AND 4) OR (2 AND 3 AND 5)``."""

CONTACT_RULE = _person_rule(
    "Standard contact",
    "account_id",
    "Same e-mail; or same family name, agreeing given names and the same account; or same"
    " family name, agreeing given names and the same phone.",
)
"""Contacts: as :data:`LEAD_RULE`, with the same account in place of the company."""

LEAD_VS_CONTACT_RULE = attrs.evolve(
    LEAD_RULE,
    name="Standard lead to contact",
    description="A lead who is already a contact: the lead rule, with the contact's account"
    " name as its company (pass account_names).",
)
"""Leads against contacts: as :data:`LEAD_RULE`; a contact's company is the name of its
account, so build the contact index with ``account_names``."""

ACCOUNT_RULE = MatchingRule(
    "Standard account",
    [CompanyMatch(), DomainMatch(match_blank=True)],
    logic="1 AND 2",
    blocking=[Block("company")],
    description="Same company key, and the same website domain or neither has one.",
)
"""Accounts: 1 company key (legal form, width, case, punctuation ignored); 2 domain of
the website, two blanks matching. Logic ``1 AND 2``."""
