"""The standard matching rules for leads, contacts and accounts.

They follow the leading CRMs' standard rules, with keys that make them exact where the
CRMs are fuzzy about width, case and legal forms:

* a person (lead or contact) is a duplicate when the e-mail is the same (a plus tag
  ignored; a role address such as info@ does not count); or the family name is the same,
  the given names agree and the company is the same, unless their contacts conflict;
  or the family name is the same, the given names agree and the phone or the mobile
  number is the same (here a kanji name without a reading may agree with kana or romaji
  through the reading guessed for it, with the ``romaji`` extra). Names are compared
  strictly (``NameMatch(strict=True)``): honorifics dropped, a full name in one field
  split, variant kanji folded, both orders of a Latin-script name, readings across
  scripts; given names agree when they are the same, one is the other's initial
  (``J.`` and ``John``), or both are missing, but not when one is a prefix of the other
  or they differ by a letter or a kanji. Agreeing given names are needed with the phone
  too: colleagues share the switchboard number. Contacts conflict when both records
  have a business e-mail, the two differ, and no phone number is shared: same name at
  the same company is then a possible duplicate (``Duplicates.possible``, an alert), not
  a match (同姓同名);
* an account is a duplicate when the company key is the same and so is the domain (the
  website's host), or neither has one, unless one is the other's parent: a branch
  (支店, 営業所) under its head office is an account of its own on purpose.

Their blocking keys are *complete*: every pair the rule would match shares a block, so
:func:`find_duplicates` finds exactly what comparing all pairs would (blocks larger
than ``max_block_size`` aside, which it reports).
"""

from __future__ import annotations

import attrs

from leadkit.dedupe._blocking import Block
from leadkit.dedupe._comparators import (
    CompanyMatch,
    ContactConflict,
    DomainMatch,
    EmailMatch,
    ExactMatch,
    HierarchyConflict,
    PhoneMatch,
)
from leadkit.dedupe._names import NameMatch
from leadkit.dedupe._rule import MatchingRule

__all__ = ["ACCOUNT_RULE", "CONTACT_RULE", "LEAD_RULE", "LEAD_VS_CONTACT_RULE"]

_PERSON_LOGIC = (
    "1 OR (2 AND 3 AND 4 AND 7) OR (2 AND 3 AND 5) OR (2 AND 3 AND 6) OR (8 AND 9 AND (5 OR 6))"
)
_PERSON_POSSIBLE = (
    "((2 AND 3 AND NOT 7) OR (8 AND 9 AND NOT (2 AND 3))) AND 4 AND NOT (1 OR 5 OR 6)"
)


def _person_rule(name: str, company: str, description: str) -> MatchingRule:
    blocks = [Block("mailbox")]
    for contact in (company, "phone", "mobile"):
        blocks += [Block(part, contact) for part in ("surname", "family_sound", "name_sound")]
    return MatchingRule(
        name,
        [
            EmailMatch(roles=False),
            NameMatch(part="family", threshold=1.0, strict=True),
            NameMatch(part="given", match_blank=True, strict=True),
            CompanyMatch(company) if company == "company" else ExactMatch(company),
            PhoneMatch(),
            PhoneMatch("mobile"),
            ContactConflict(),
            NameMatch(part="family", threshold=1.0, strict=True, guessed_readings=True),
            NameMatch(part="given", match_blank=True, strict=True, guessed_readings=True),
        ],
        logic=_PERSON_LOGIC,
        possible=_PERSON_POSSIBLE,
        blocking=blocks,
        description=description,
    )


LEAD_RULE = _person_rule(
    "Standard lead",
    "company",
    "Same e-mail; or same family name, agreeing given names and the same company (unless"
    " e-mails and phones conflict: then a possible duplicate); or same family name,"
    " agreeing given names and the same phone or mobile.",
)
"""Leads: 1 e-mail (plus tag ignored, role addresses blank); 2 family name (or its
reading); 3 given name (strict: same, initial, same reading across scripts; two missing
agree); 4 company key (branch ignored); 5 phone; 6 mobile; 7 contacts consistent (no
two different business e-mails without a shared number); 8 and 9 family and given names
as 2 and 3, where a kanji name without a reading may agree through the reading guessed
for it (the ``romaji`` extra; without it 8 and 9 are 2 and 3).
Logic ``1 OR (2 AND 3 AND 4 AND 7) OR (2 AND 3 AND 5) OR (2 AND 3 AND 6) OR
(8 AND 9 AND (5 OR 6))``; possible duplicates
``((2 AND 3 AND NOT 7) OR (8 AND 9 AND NOT (2 AND 3))) AND 4 AND NOT (1 OR 5 OR 6)``:
at the same company, without a shared e-mail or number, names agreeing with conflicting
contacts, or names agreeing only through a guessed reading."""

CONTACT_RULE = _person_rule(
    "Standard contact",
    "account_id",
    "Same e-mail; or same family name, agreeing given names and the same account (unless"
    " e-mails and phones conflict: then a possible duplicate); or same family name,"
    " agreeing given names and the same phone or mobile.",
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
    [CompanyMatch(keep_branch=True), DomainMatch(match_blank=True), HierarchyConflict()],
    logic="1 AND 2 AND 3",
    blocking=[Block("company")],
    description=(
        "Same company key, and the same website domain or neither has one;"
        " never a head office and its branch."
    ),
)
"""Accounts: 1 company key (legal form, width, case, punctuation ignored; a branch or
department is compared, since it may be an account of its own); 2 domain of
the website, two blanks matching; 3 not a parent and its branch (``parent_id``): a
branch under its head office is not clustered with it, even through a third account.
Logic ``1 AND 2 AND 3``."""
